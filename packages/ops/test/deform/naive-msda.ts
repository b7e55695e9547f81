/**
 * Independent float64 reference of ms_deform_attn_core_pytorch for tests, written the
 * direct way: per query, head, level and point, grid_sample's bilinear kernel with zero
 * padding (align_corners = false). Shares no code with src/deform.
 */
export interface MsdaProblem {
  dims: { N: number; Lq: number; M: number; D: number; P: number };
  shapes: [number, number][];
  starts: number[];
  value: number[]; // [N,S,M,D]
  locs: number[]; // [N,Lq,M,L,P,2]
  attn: number[]; // [N,Lq,M,L,P]
}

export function naiveMsda(p: MsdaProblem): Float64Array {
  const { N, Lq, M, D, P } = p.dims;
  const L = p.shapes.length;
  const S = p.shapes.reduce((a, [h, w]) => a + h * w, 0);
  const out = new Float64Array(N * Lq * M * D);
  const pixel = (n: number, l: number, y: number, x: number, m: number, d: number) => {
    const [h, w] = p.shapes[l];
    if (x < 0 || y < 0 || x >= w || y >= h) return 0;
    return p.value[((n * S + p.starts[l] + y * w + x) * M + m) * D + d];
  };
  for (let n = 0; n < N; n++)
    for (let q = 0; q < Lq; q++)
      for (let m = 0; m < M; m++)
        for (let l = 0; l < L; l++)
          for (let k = 0; k < P; k++) {
            const i = (((n * Lq + q) * M + m) * L + l) * P + k;
            const [h, w] = p.shapes[l];
            const x = p.locs[2 * i] * w - 0.5;
            const y = p.locs[2 * i + 1] * h - 0.5;
            const x0 = Math.floor(x);
            const y0 = Math.floor(y);
            const fx = x - x0;
            const fy = y - y0;
            for (let d = 0; d < D; d++) {
              const v =
                (1 - fx) * (1 - fy) * pixel(n, l, y0, x0, m, d) +
                fx * (1 - fy) * pixel(n, l, y0, x0 + 1, m, d) +
                (1 - fx) * fy * pixel(n, l, y0 + 1, x0, m, d) +
                fx * fy * pixel(n, l, y0 + 1, x0 + 1, m, d);
              out[((n * Lq + q) * M + m) * D + d] += p.attn[i] * v;
            }
          }
  return out;
}

/** Central finite-difference gradient of Σ naiveMsda(p)·gradOut w.r.t. one input array. */
export function finiteDifference(
  p: MsdaProblem,
  key: 'value' | 'locs' | 'attn',
  gradOut: number[],
  h = 1e-6,
): Float64Array {
  const loss = () => naiveMsda(p).reduce((a, v, i) => a + v * gradOut[i], 0);
  const arr = p[key];
  const grad = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const keep = arr[i];
    arr[i] = keep + h;
    const up = loss();
    arr[i] = keep - h;
    const down = loss();
    arr[i] = keep;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}
