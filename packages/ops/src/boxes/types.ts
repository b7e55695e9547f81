/**
 * Flat box storage used by the typed-array (non-differentiable) helpers: box `i` occupies
 * elements `4i … 4i+3`. Which four numbers they are depends on the format (see `convert.ts`).
 */
export type BoxArray = Float32Array | Float64Array;

/** Number of boxes in a flat array; throws a clear error when the length is not a multiple of 4. */
export function boxCount(boxes: ArrayLike<number>, what: string): number {
  if (boxes.length % 4 !== 0) {
    throw new RangeError(
      `${what}: expected a flat array of boxes (length a multiple of 4), got length ${boxes.length}`,
    );
  }
  return boxes.length / 4;
}

/** Throws unless the tensor is `[N, 4]`. */
export function assertBoxTensor(shape: readonly number[], what: string): void {
  if (shape.length !== 2 || shape[1] !== 4) {
    throw new RangeError(`${what}: expected a [N, 4] box tensor, got shape [${shape.join(', ')}]`);
  }
}
