/**
 * The non-differentiable half of multi-scale deformable attention: for every sampling point
 * the integer cell of grid_sample's bilinear kernel and which of its 4 corners lie inside
 * the level (zero padding). The fractional offsets, which carry the gradient w.r.t. the
 * sampling locations, are recomputed from the location tensor on the device.
 */

/** Sizes of the problem, from the tensor shapes. */
export interface MsdaDims {
  readonly batch: number; // N
  readonly queries: number; // Lq
  readonly heads: number; // M
  readonly levels: number; // L
  readonly points: number; // P
  readonly keys: number; // S = Σ H_l·W_l
}

/** Corner order everywhere: (x0,y0), (x0+1,y0), (x0,y0+1), (x0+1,y0+1). */
export const CORNERS = 4;

/** Constant tensors' data for one forward call. */
export interface MsdaSamplingPlan {
  /** floor(loc_x·W_l − 0.5) per point, [N·Lq·M·L·P]. */
  readonly x0: Float32Array;
  /** floor(loc_y·H_l − 0.5) per point. */
  readonly y0: Float32Array;
  /** Row of value viewed as [N·S·M, D] for each corner, [N·Lq·M·L·P·4] (0 when outside). */
  readonly index: Int32Array;
  /** 1 if the corner is inside its level, else 0 (grid_sample's zero padding). */
  readonly inside: Float32Array;
}

/**
 * Computes the plan from the sampling locations' values ([N,Lq,M,L,P,2] flat, (x, y)
 * normalised, x along the width). Pixel coordinate = loc·W − 0.5 (align_corners = false);
 * floor() puts a point exactly on a pixel centre or edge into the cell to its right/below,
 * exactly like grid_sample, so the location gradient there is that cell's slope.
 */
export function buildMsdaSamplingPlan(
  locations: ArrayLike<number>,
  dims: MsdaDims,
  spatialShapes: readonly (readonly [number, number])[],
  levelStartIndex: readonly number[],
): MsdaSamplingPlan {
  const { batch, queries, heads, levels, points, keys } = dims;
  const count = batch * queries * heads * levels * points;
  const x0 = new Float32Array(count);
  const y0 = new Float32Array(count);
  const index = new Int32Array(count * CORNERS);
  const inside = new Float32Array(count * CORNERS);
  let at = 0;
  for (let n = 0; n < batch; n++) {
    for (let q = 0; q < queries; q++) {
      for (let m = 0; m < heads; m++) {
        for (let l = 0; l < levels; l++) {
          const [h, w] = spatialShapes[l];
          const levelBase = n * keys + levelStartIndex[l];
          for (let p = 0; p < points; p++, at++) {
            // Math.fround: the device computes loc·W − 0.5 in float32; floor that same value.
            const px = Math.fround(Math.fround(locations[2 * at] * w) - 0.5);
            const py = Math.fround(Math.fround(locations[2 * at + 1] * h) - 0.5);
            if (!Number.isFinite(px) || !Number.isFinite(py)) {
              throw new Error(
                `msDeformAttn: samplingLocations[${n},${q},${m},${l},${p}] is not finite: (${locations[2 * at]}, ${locations[2 * at + 1]})`,
              );
            }
            const cx = Math.floor(px);
            const cy = Math.floor(py);
            x0[at] = cx;
            y0[at] = cy;
            for (let c = 0; c < CORNERS; c++) {
              const x = cx + (c & 1);
              const y = cy + (c >> 1);
              if (x >= 0 && x < w && y >= 0 && y < h) {
                index[at * CORNERS + c] = (levelBase + y * w + x) * heads + m;
                inside[at * CORNERS + c] = 1;
              }
            }
          }
        }
      }
    }
  }
  return { x0, y0, index, inside };
}
