/**
 * Independent float64 reference implementations (plain loops over flat row-major arrays) used to
 * check the tfjs layers forward, and — through finite differences — their gradients.
 */

import { Rng } from '@apdet/rng';

/** A float64 tensor: flat data + shape. */
export interface Ref {
  data: Float64Array;
  shape: number[];
}

export function ref(data: ArrayLike<number>, shape: number[]): Ref {
  return { data: Float64Array.from(data), shape };
}

/** Seeded uniform values in [lo, hi) (the project's one PRNG, @apdet/rng). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const rng = Rng.from(seed);
  return Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** NHWC conv with an HWIO kernel, stride s, explicit pads [top, bottom, left, right]. */
export function conv2dRef(
  x: Ref,
  w: Ref,
  stride: number,
  pads: [number, number, number, number],
  bias?: Float64Array,
): Ref {
  const [n, h, wd, c] = x.shape;
  const [kh, kw, , o] = w.shape;
  const [pt, pb, pl, pr] = pads;
  const oh = Math.floor((h + pt + pb - kh) / stride) + 1;
  const ow = Math.floor((wd + pl + pr - kw) / stride) + 1;
  const out = new Float64Array(n * oh * ow * o);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let oc = 0; oc < o; oc++) {
          let s = bias ? bias[oc] : 0;
          for (let di = 0; di < kh; di++) {
            const yi = i * stride + di - pt;
            if (yi < 0 || yi >= h) continue;
            for (let dj = 0; dj < kw; dj++) {
              const xj = j * stride + dj - pl;
              if (xj < 0 || xj >= wd) continue;
              for (let ic = 0; ic < c; ic++) {
                s += x.data[((b * h + yi) * wd + xj) * c + ic] * w.data[((di * kw + dj) * c + ic) * o + oc];
              }
            }
          }
          out[((b * oh + i) * ow + j) * o + oc] = s;
        }
  return { data: out, shape: [n, oh, ow, o] };
}

/** NHWC max pooling with symmetric padding p (padded cells never win), torch semantics. */
export function maxPoolRef(x: Ref, k: number, stride: number, p: number): Ref {
  const [n, h, w, c] = x.shape;
  const oh = Math.floor((h + 2 * p - k) / stride) + 1;
  const ow = Math.floor((w + 2 * p - k) / stride) + 1;
  const out = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let m = -Infinity;
          for (let di = 0; di < k; di++)
            for (let dj = 0; dj < k; dj++) {
              const yi = i * stride + di - p;
              const xj = j * stride + dj - p;
              if (yi >= 0 && yi < h && xj >= 0 && xj < w) m = Math.max(m, x.data[((b * h + yi) * w + xj) * c + ch]);
            }
          out[((b * oh + i) * ow + j) * c + ch] = m;
        }
  return { data: out, shape: [n, oh, ow, c] };
}

/** GroupNorm on NHWC with per-channel gamma/beta. */
export function groupNormRef(x: Ref, groups: number, gamma: Float64Array, beta: Float64Array, eps: number): Ref {
  const [n, h, w, c] = x.shape;
  const cg = c / groups;
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let i = 0; i < h * w; i++) for (let k = 0; k < cg; k++) idx.push((b * h * w + i) * c + g * cg + k);
      const mean = idx.reduce((s, q) => s + x.data[q], 0) / idx.length;
      const v = idx.reduce((s, q) => s + (x.data[q] - mean) ** 2, 0) / idx.length;
      for (const q of idx) out[q] = ((x.data[q] - mean) / Math.sqrt(v + eps)) * gamma[q % c] + beta[q % c];
    }
  return { data: out, shape: x.shape };
}

/** LayerNorm over the last axis. */
export function layerNormRef(x: Ref, gamma: Float64Array, beta: Float64Array, eps: number): Ref {
  const d = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / d; r++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += x.data[r * d + k];
    mean /= d;
    let v = 0;
    for (let k = 0; k < d; k++) v += (x.data[r * d + k] - mean) ** 2;
    v /= d;
    for (let k = 0; k < d; k++) out[r * d + k] = ((x.data[r * d + k] - mean) / Math.sqrt(v + eps)) * gamma[k] + beta[k];
  }
  return { data: out, shape: x.shape };
}

/** x [rows, in] · W [in, out] + b. */
export function linearRef(x: Float64Array, rows: number, w: Ref, b: Float64Array): Float64Array {
  const [inF, outF] = w.shape;
  const out = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outF; o++) {
      let s = b[o];
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w.data[i * outF + o];
      out[r * outF + o] = s;
    }
  return out;
}

export interface AttentionWeights {
  q: [Ref, Float64Array];
  k: [Ref, Float64Array];
  v: [Ref, Float64Array];
  o: [Ref, Float64Array];
}

/** Multi-head attention, batch-first; mask[b·S + s] = 1 removes key s. */
export function attentionRef(q: Ref, k: Ref, v: Ref, heads: number, wts: AttentionWeights, mask?: Float64Array): Ref {
  const [b, l, e] = q.shape;
  const s = k.shape[1];
  const d = e / heads;
  const Q = linearRef(q.data, b * l, ...wts.q);
  const K = linearRef(k.data, b * s, ...wts.k);
  const V = linearRef(v.data, b * s, ...wts.v);
  const ctx = new Float64Array(b * l * e);
  for (let bi = 0; bi < b; bi++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < l; i++) {
        const scores = new Float64Array(s);
        for (let j = 0; j < s; j++) {
          let dot = 0;
          for (let t = 0; t < d; t++) dot += Q[(bi * l + i) * e + h * d + t] * K[(bi * s + j) * e + h * d + t];
          scores[j] = dot / Math.sqrt(d) + (mask && mask[bi * s + j] ? -1e9 : 0);
        }
        const mx = Math.max(...scores);
        const ex = scores.map((z) => Math.exp(z - mx));
        const sum = ex.reduce((a, z) => a + z, 0);
        for (let t = 0; t < d; t++) {
          let acc = 0;
          for (let j = 0; j < s; j++) acc += (ex[j] / sum) * V[(bi * s + j) * e + h * d + t];
          ctx[(bi * l + i) * e + h * d + t] = acc;
        }
      }
  return { data: linearRef(ctx, b * l, ...wts.o), shape: [b, l, e] };
}

/** Max |a − b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Max |a|. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Central finite differences of the scalar f at x (float64), for every coordinate in `indices`.
 */
export function finiteDiff(f: (x: Float64Array) => number, x: Float64Array, indices: number[], h = 1e-5): number[] {
  return indices.map((i) => {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    return (f(xp) - f(xm)) / (2 * h);
  });
}
