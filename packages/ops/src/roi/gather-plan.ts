import { maxCellsPerBin, type RoiTaps } from './roi-taps.js';

/** One RoI placed on a feature map stored as rows of a flat [rows, C] tensor. */
export interface PlacedRoi {
  readonly taps: RoiTaps;
  /** Flat row of pixel (0, 0) of this RoI's image on its feature map. */
  readonly baseRow: number;
  /** Width of that feature map (row stride in the flat layout). */
  readonly width: number;
}

/**
 * RoIs that touch the same number of cells per bin, padded to that number: a dense
 * [bins, cells] gather index and weight table (a fixed-width sparse matrix).
 */
export interface GatherGroup {
  /** Cells per bin (padding uses flat row 0 with weight 0). */
  readonly cells: number;
  /** Number of RoIs in the group (bins = rois · oh · ow). */
  readonly rois: number;
  /** Flat feature row of each (bin, cell), length bins · cells. */
  readonly index: Int32Array;
  /** Weight of each (bin, cell), already divided by the sample count. */
  readonly weight: Float32Array;
}

/** How to compute all RoIs: groups in output order of the concatenation, then a reorder. */
export interface GatherPlan {
  readonly groups: GatherGroup[];
  /** position[k] = row of RoI k in the concatenated group outputs; null if identity. */
  readonly position: Int32Array | null;
}

function fillGroup(members: PlacedRoi[], cells: number, bins: number): GatherGroup {
  const index = new Int32Array(members.length * bins * cells);
  const weight = new Float32Array(members.length * bins * cells);
  let at = 0;
  for (const roi of members) {
    const { rows, cols, count } = roi.taps;
    for (const r of rows) {
      for (const c of cols) {
        const binStart = at;
        for (let i = 0; i < r.index.length; i++) {
          const rowBase = roi.baseRow + r.index[i] * roi.width;
          const rowWeight = r.weight[i] / count;
          for (let j = 0; j < c.index.length; j++) {
            index[at] = rowBase + c.index[j];
            weight[at] = rowWeight * c.weight[j];
            at++;
          }
        }
        at = binStart + cells; // the rest of the bin stays padding (row 0, weight 0)
      }
    }
  }
  return { cells, rois: members.length, index, weight };
}

/**
 * Groups RoIs by how many cells their bins touch, so that one big RoI (many cells, e.g. an
 * adaptive sampling grid on a coarse level) does not force padding on all the others.
 */
export function buildGatherPlan(rois: PlacedRoi[]): GatherPlan {
  if (rois.length === 0) return { groups: [], position: null };
  const bins = rois[0].taps.rows.length * rois[0].taps.cols.length;
  const byCells = new Map<number, number[]>();
  rois.forEach((roi, k) => {
    const cells = maxCellsPerBin(roi.taps);
    const list = byCells.get(cells);
    if (list) list.push(k);
    else byCells.set(cells, [k]);
  });
  const sizes = [...byCells.keys()].sort((a, b) => a - b);
  const position = new Int32Array(rois.length);
  let next = 0;
  let identity = true;
  const groups = sizes.map((cells) => {
    const ids = byCells.get(cells) ?? [];
    for (const k of ids) {
      if (k !== next) identity = false;
      position[k] = next++;
    }
    return fillGroup(
      ids.map((k) => rois[k]),
      cells,
      bins,
    );
  });
  return { groups, position: identity ? null : position };
}
