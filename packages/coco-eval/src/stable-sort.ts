/**
 * Stable sort of `index[start, end)` by descending `key[index[i]]`: equal keys keep their
 * order, like numpy's `argsort(-key, kind='mergesort')` that pycocotools uses. Insertion sort
 * on short runs, then bottom-up merges through `scratch` (at least `end - start` long). No
 * comparator closures, no allocation: this runs once per (image, category) cell.
 */
export function stableSortDescending(
  index: Int32Array,
  start: number,
  end: number,
  key: Float64Array,
  scratch: Int32Array,
): void {
  const n = end - start;
  if (n < 2) return;
  const RUN = 16;
  for (let lo = start; lo < end; lo += RUN) insertionSort(index, lo, Math.min(lo + RUN, end), key);
  if (n <= RUN) return;
  let src = index;
  let dst = scratch;
  let srcOffset = start;
  let dstOffset = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      merge(src, srcOffset, lo, mid, hi, dst, dstOffset, key);
    }
    [src, dst] = [dst, src];
    [srcOffset, dstOffset] = [dstOffset, srcOffset];
  }
  if (src !== index) index.set(src.subarray(srcOffset, srcOffset + n), start);
}

function insertionSort(index: Int32Array, start: number, end: number, key: Float64Array): void {
  for (let i = start + 1; i < end; i++) {
    const item = index[i];
    const k = key[item];
    let j = i - 1;
    // strictly smaller moves right: equal keys never pass each other (stability)
    while (j >= start && key[index[j]] < k) {
      index[j + 1] = index[j]!;
      j--;
    }
    index[j + 1] = item;
  }
}

function merge(
  src: Int32Array,
  so: number,
  lo: number,
  mid: number,
  hi: number,
  dst: Int32Array,
  dOff: number,
  key: Float64Array,
): void {
  let i = lo;
  let j = mid;
  let out = lo;
  while (i < mid && j < hi) {
    // take from the left run on ties (stability)
    if (key[src[so + j]] > key[src[so + i]]) dst[dOff + out++] = src[so + j++]!;
    else dst[dOff + out++] = src[so + i++]!;
  }
  while (i < mid) dst[dOff + out++] = src[so + i++]!;
  while (j < hi) dst[dOff + out++] = src[so + j++]!;
}
