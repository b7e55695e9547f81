/**
 * Maps float32 bit patterns to uint32 keys whose unsigned order is the numeric order
 * (negative floats: all bits flipped; positive: sign bit set). NaN must be excluded by the caller.
 */
export function ascendingKey(bits: number): number {
  return (bits & 0x80000000) !== 0 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/** Like {@link ascendingKey} but for descending order. */
export function descendingKey(bits: number): number {
  return ~ascendingKey(bits) >>> 0;
}

const RADIX_BITS = 16;
const BUCKETS = 1 << RADIX_BITS;

/**
 * Stable LSD radix sort of `items` by unsigned 32-bit `keys` (two 16-bit passes): O(n) time,
 * O(n) extra memory. Sorts in place: after the two passes both `keys` and `items` (which is also
 * returned) are in ascending key order.
 * Used instead of `Array.prototype.sort` with a comparator, which is ~20× slower at 10^6 items.
 */
export function radixSortByKey(keys: Uint32Array, items: Int32Array): Int32Array {
  const n = items.length;
  let srcKeys: Uint32Array = keys;
  let srcItems: Int32Array = items;
  let dstKeys: Uint32Array = new Uint32Array(n);
  let dstItems: Int32Array = new Int32Array(n);
  const counts = new Uint32Array(BUCKETS);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(srcKeys[i] >>> shift) & (BUCKETS - 1)]++;
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = srcKeys[i];
      const at = counts[(key >>> shift) & (BUCKETS - 1)]++;
      dstKeys[at] = key;
      dstItems[at] = srcItems[i];
    }
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
    [srcItems, dstItems] = [dstItems, srcItems];
  }
  // An even number of passes leaves the result in the caller's arrays.
  return srcItems;
}
