/**
 * numpy's pairwise summation (`np.add.reduce` on a contiguous float64 array): plain loop
 * below 8 values, 8 interleaved accumulators up to 128, recursive halves above. Using the same
 * order makes our means bit-identical to pycocotools' `np.mean`, not just close.
 */
export function pairwiseSum(values: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= 128) {
    let r0 = values[start],
      r1 = values[start + 1],
      r2 = values[start + 2],
      r3 = values[start + 3];
    let r4 = values[start + 4],
      r5 = values[start + 5],
      r6 = values[start + 6],
      r7 = values[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += values[p];
      r1 += values[p + 1];
      r2 += values[p + 2];
      r3 += values[p + 3];
      r4 += values[p + 4];
      r5 += values[p + 5];
      r6 += values[p + 6];
      r7 += values[p + 7];
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** numpy's reduction iterator hands the loop 8192-element buffers; partial sums add up in order. */
const NUMPY_BUFFER_SIZE = 8192;

/** `np.sum` of a contiguous float64 array: pairwise within each 8192-value buffer, buffers in order. */
export function numpySum(values: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += NUMPY_BUFFER_SIZE) sum += pairwiseSum(values, i, Math.min(NUMPY_BUFFER_SIZE, n - i));
  return sum;
}

/**
 * `np.mean(x[x > -1])` or -1 when nothing is defined: pycocotools' summary statistic.
 * Compacts `values[0, n)` in place.
 */
export function meanOfDefined(values: Float64Array, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (values[i] > -1) values[count++] = values[i]!;
  return count === 0 ? -1 : numpySum(values, count) / count;
}

/**
 * Python's `'{:.Nf}'.format(x)`: correctly rounded, ties to even. JS `toFixed` rounds exact
 * ties up (0.4375 → "0.438" in both, but 0.0625 → "0.063" vs Python's "0.062"). A double is
 * an exact tie iff x·2^(N+1) is an odd integer.
 */
export function pyFixed(x: number, digits: number): string {
  const scaled = x * 2 ** (digits + 1);
  if (Number.isInteger(scaled) && Math.abs(scaled) % 2 === 1) {
    const lower = Math.floor(x * 10 ** digits);
    const even = lower % 2 === 0 ? lower : lower + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}
