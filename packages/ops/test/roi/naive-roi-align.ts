/**
 * An independent, deliberately plain RoIAlign for tests: torchvision's CPU kernel loop
 * (per bin, per sample, 4 bilinear corners) on NHWC float64 data, forward and backward.
 * It shares no code with src/roi (which factorises the kernel per axis and groups RoIs).
 */
export interface NaiveOptions {
  outputSize: [number, number];
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
}

type Visit = (k: number, ph: number, pw: number, cell: number, weight: number) => void;

function visitSamples(shape: number[], rois: number[][], o: NaiveOptions, visit: Visit): void {
  const [, H, W] = shape;
  const [oh, ow] = o.outputSize;
  rois.forEach(([b, x1, y1, x2, y2], k) => {
    const off = o.aligned ? 0.5 : 0;
    const sw = x1 * o.spatialScale - off;
    const sh = y1 * o.spatialScale - off;
    let rw = x2 * o.spatialScale - off - sw;
    let rh = y2 * o.spatialScale - off - sh;
    if (!o.aligned) {
      rw = Math.max(rw, 1);
      rh = Math.max(rh, 1);
    }
    const gh = o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(rh / oh);
    const gw = o.samplingRatio > 0 ? o.samplingRatio : Math.ceil(rw / ow);
    const count = Math.max(gh * gw, 1);
    for (let ph = 0; ph < oh; ph++)
      for (let pw = 0; pw < ow; pw++)
        for (let iy = 0; iy < gh; iy++)
          for (let ix = 0; ix < gw; ix++) {
            let y = sh + ph * (rh / oh) + ((iy + 0.5) * (rh / oh)) / gh;
            let x = sw + pw * (rw / ow) + ((ix + 0.5) * (rw / ow)) / gw;
            if (y < -1 || y > H || x < -1 || x > W) continue;
            y = Math.max(y, 0);
            x = Math.max(x, 0);
            let yl = Math.floor(y);
            let xl = Math.floor(x);
            let yh = yl + 1;
            let xh = xl + 1;
            if (yl >= H - 1) [yl, yh, y] = [H - 1, H - 1, H - 1];
            if (xl >= W - 1) [xl, xh, x] = [W - 1, W - 1, W - 1];
            const ly = y - yl;
            const lx = x - xl;
            const cell = (r: number, c: number) => (b * H + r) * W + c;
            visit(k, ph, pw, cell(yl, xl), ((1 - ly) * (1 - lx)) / count);
            visit(k, ph, pw, cell(yl, xh), ((1 - ly) * lx) / count);
            visit(k, ph, pw, cell(yh, xl), (ly * (1 - lx)) / count);
            visit(k, ph, pw, cell(yh, xh), (ly * lx) / count);
          }
  });
}

/** Forward: [K, oh, ow, C] flat. */
export function naiveRoiAlign(
  data: ArrayLike<number>,
  shape: number[],
  rois: number[][],
  o: NaiveOptions,
): Float64Array {
  const C = shape[3];
  const [oh, ow] = o.outputSize;
  const out = new Float64Array(rois.length * oh * ow * C);
  visitSamples(shape, rois, o, (k, ph, pw, cell, w) => {
    const base = ((k * oh + ph) * ow + pw) * C;
    for (let c = 0; c < C; c++) out[base + c] += w * data[cell * C + c];
  });
  return out;
}

/** Backward: d(Σ out·gradOut)/d features, [N, H, W, C] flat. */
export function naiveRoiAlignGrad(
  gradOut: ArrayLike<number>,
  shape: number[],
  rois: number[][],
  o: NaiveOptions,
): Float64Array {
  const C = shape[3];
  const [oh, ow] = o.outputSize;
  const grad = new Float64Array(shape.reduce((a, b) => a * b, 1));
  visitSamples(shape, rois, o, (k, ph, pw, cell, w) => {
    const base = ((k * oh + ph) * ow + pw) * C;
    for (let c = 0; c < C; c++) grad[cell * C + c] += w * gradOut[base + c];
  });
  return grad;
}
