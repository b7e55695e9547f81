/**
 * Pairwise IoU / GIoU / IoF on flat typed arrays (post-processing, assignment), computed in
 * float64. Same formulas as the tensor versions (torchvision semantics, no epsilon).
 */
import { boxCount } from './types.js';

type PairFn = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) => number;

function intersection(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const iw = Math.min(a[i + 2], b[j + 2]) - Math.max(a[i], b[j]);
  const ih = Math.min(a[i + 3], b[j + 3]) - Math.max(a[i + 1], b[j + 1]);
  return (iw > 0 ? iw : 0) * (ih > 0 ? ih : 0);
}

const area = (a: ArrayLike<number>, i: number): number => (a[i + 2] - a[i]) * (a[i + 3] - a[i + 1]);

const iouPair: PairFn = (a, i, b, j) => {
  const inter = intersection(a, i, b, j);
  return inter / (area(a, i) + area(b, j) - inter);
};

const giouPair: PairFn = (a, i, b, j) => {
  const inter = intersection(a, i, b, j);
  const union = area(a, i) + area(b, j) - inter;
  const ew = Math.max(a[i + 2], b[j + 2]) - Math.min(a[i], b[j]);
  const eh = Math.max(a[i + 3], b[j + 3]) - Math.min(a[i + 1], b[j + 1]);
  const enclose = (ew > 0 ? ew : 0) * (eh > 0 ? eh : 0);
  return inter / union - (enclose - union) / enclose;
};

function pairwise(a: ArrayLike<number>, b: ArrayLike<number>, fn: PairFn, what: string): Float64Array {
  const n = boxCount(a, `${what}(a)`);
  const m = boxCount(b, `${what}(b)`);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[i * m + j] = fn(a, 4 * i, b, 4 * j);
  }
  return out;
}

/** Pairwise IoU of flat xyxy boxes; returns a row-major `[N, M]` Float64Array. */
export function boxIouTyped(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return pairwise(a, b, iouPair, 'boxIouTyped');
}

/** Pairwise GIoU of flat xyxy boxes; returns a row-major `[N, M]` Float64Array. */
export function generalizedBoxIouTyped(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return pairwise(a, b, giouPair, 'generalizedBoxIouTyped');
}

/**
 * Pairwise intersection over the area of the FIRST box ("IoF", mmdet `mode='iof'`), used to
 * ignore anchors covered by crowd regions. Zero-area first boxes give 0 (not NaN).
 */
export function boxIofTyped(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return pairwise(
    a,
    b,
    (x, i, y, j) => {
      const inter = intersection(x, i, y, j);
      return inter > 0 ? inter / area(x, i) : 0;
    },
    'boxIofTyped',
  );
}
