import type { Cells } from './cells.js';
import type { Detections } from './detections.js';
import type { GroundTruth } from './ground-truth.js';
import type { EvalParams } from './params.js';

/** Per detection, IoU threshold and area range: what accumulate() counts it as. */
export const FALSE_POSITIVE = 0;
export const TRUE_POSITIVE = 1;
export const IGNORED = 2;

/**
 * The outcome of pycocotools' `evaluate()`: for every kept detection (position `p` in
 * `cells.dtOrder`), area range `a` and threshold `t`, `outcome[(a * T + t) * N + p]` is one
 * of {@link FALSE_POSITIVE}, {@link TRUE_POSITIVE}, {@link IGNORED}; plus the number of
 * non-ignored GTs per (category block, area range).
 */
export interface MatchTable {
  readonly numDets: number;
  readonly outcome: Uint8Array;
  /** Rank of each kept detection inside its cell (0 = highest score): maxDet truncation. */
  readonly rank: Int32Array;
  /** Non-ignored GT count, `nonIgnoredGt[block * A + a]`. */
  readonly nonIgnoredGt: Float64Array;
}

/** Reusable per-cell buffers, grown on demand. */
class Scratch {
  ious = new Float64Array(256);
  /** Best IoU of each detection over all GTs of the cell: most detections match nothing. */
  bestIou = new Float64Array(64);
  dtArea = new Float64Array(64);
  perm = new Int32Array(64);
  ignored = new Uint8Array(64);
  crowd = new Uint8Array(64);
  ids = new Float64Array(64);
  taken = new Uint8Array(64);

  ensure(d: number, g: number): void {
    if (this.ious.length < d * g) this.ious = new Float64Array(2 * d * g);
    if (this.bestIou.length < d) {
      this.bestIou = new Float64Array(2 * d);
      this.dtArea = new Float64Array(2 * d);
    }
    if (this.perm.length < g) {
      this.perm = new Int32Array(2 * g);
      this.ignored = new Uint8Array(2 * g);
      this.crowd = new Uint8Array(2 * g);
      this.ids = new Float64Array(2 * g);
      this.taken = new Uint8Array(2 * g);
    }
  }
}

/**
 * pycocotools `evaluate()` + `evaluateImg()` for every cell and area range, at the largest
 * maxDet (smaller ones are prefixes, handled by accumulate via `rank`).
 */
export function matchAll(gt: GroundTruth, dt: Detections, cells: Cells, params: EvalParams): MatchTable {
  const A = params.areaRanges.length;
  const T = params.iouThrs.length;
  const N = cells.dtOrder.length;
  // zero = FALSE_POSITIVE: only true positives and ignored detections are written
  const outcome = new Uint8Array(A * T * N);
  const rank = new Int32Array(N);
  const nonIgnoredGt = new Float64Array(cells.numBlocks * A);
  const ctx: Context = {
    gt,
    dt,
    cells,
    outcome,
    N,
    T,
    lo: params.areaRanges.map((r) => r.range[0]),
    hi: params.areaRanges.map((r) => r.range[1]),
    // pycocotools: iou = min([t, 1 - 1e-10]) as the starting bar of each search
    bars: params.iouThrs.map((t) => Math.min(t, 1 - 1e-10)),
    scratch: new Scratch(),
  };
  let block = 0;
  for (let c = 0; c < cells.numCells; c++) {
    while (c >= cells.blockStart[block + 1]) block++;
    const ds = cells.dtStart[c];
    const D = cells.dtStart[c + 1] - ds;
    const gs = cells.gtStart[c];
    const G = cells.gtStart[c + 1] - gs;
    for (let d = 0; d < D; d++) rank[ds + d] = d;
    ctx.scratch.ensure(D, G);
    loadDetectionAreas(ctx, ds, D);
    if (G > 0 && D > 0) computeIous(gt, dt, cells, gs, G, ds, D, ctx.scratch.ious, ctx.scratch.bestIou);
    for (let a = 0; a < A; a++) {
      nonIgnoredGt[block * A + a] += G > 0 ? orderGts(ctx, gs, G, a) : 0;
      if (D > 0) matchArea(ctx, ds, D, G, a);
    }
  }
  return { numDets: N, outcome, rank, nonIgnoredGt };
}

interface Context {
  gt: GroundTruth;
  dt: Detections;
  cells: Cells;
  outcome: Uint8Array;
  N: number;
  T: number;
  lo: number[];
  hi: number[];
  bars: number[];
  scratch: Scratch;
}

/** Detection area = w·h, as `loadRes` computes it. */
function loadDetectionAreas(ctx: Context, ds: number, D: number): void {
  const boxes = ctx.dt.boxes;
  for (let d = 0; d < D; d++) {
    const i = ctx.cells.dtOrder[ds + d] * 4;
    ctx.scratch.dtArea[d] = boxes[i + 2] * boxes[i + 3];
  }
}

/** C `bbIou` from pycocotools' maskApi.c, same operation order, `ious[d * G + g]`. */
function computeIous(
  gt: GroundTruth,
  dt: Detections,
  cells: Cells,
  gs: number,
  G: number,
  ds: number,
  D: number,
  out: Float64Array,
  best: Float64Array,
): void {
  const gb = gt.boxes;
  const db = dt.boxes;
  best.fill(0, 0, D);
  for (let g = 0; g < G; g++) {
    const ann = cells.gtOrder[gs + g];
    const gi = ann * 4;
    const gx = gb[gi],
      gy = gb[gi + 1],
      gw = gb[gi + 2],
      gh = gb[gi + 3];
    const ga = gw * gh;
    const crowd = gt.crowd[ann] === 1;
    for (let d = 0; d < D; d++) {
      const di = cells.dtOrder[ds + d] * 4;
      const dx = db[di],
        dy = db[di + 1],
        dw = db[di + 2],
        dh = db[di + 3];
      let iou = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const inter = w * h;
          const da = dw * dh;
          iou = inter / (crowd ? da : da + ga - inter);
        }
      }
      out[d * G + g] = iou;
      if (iou > best[d]) best[d] = iou;
    }
  }
}

/**
 * GT ignore flags for area range `a` (crowd, or area outside `[lo, hi]`) and the order
 * pycocotools matches in: non-ignored first, file order kept (stable argsort). Returns the
 * number of non-ignored GTs.
 */
function orderGts(ctx: Context, gs: number, G: number, a: number): number {
  const { gt, cells, scratch: s } = ctx;
  const lo = ctx.lo[a];
  const hi = ctx.hi[a];
  let front = 0;
  let nonIgnored = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let g = 0; g < G; g++) {
      const ann = cells.gtOrder[gs + g];
      const area = gt.areas[ann];
      const ignored = gt.crowd[ann] === 1 || area < lo || area > hi ? 1 : 0;
      if (ignored !== pass) continue;
      s.perm[front] = g;
      s.ignored[front] = ignored;
      s.crowd[front] = gt.crowd[ann]!;
      s.ids[front] = gt.ids[ann]!;
      front++;
    }
    if (pass === 0) nonIgnored = front;
  }
  return nonIgnored;
}

/** pycocotools' greedy matching for one cell and area range, every IoU threshold. */
function matchArea(ctx: Context, ds: number, D: number, G: number, a: number): void {
  const { ious, perm, ignored, crowd, ids, taken, bestIou, dtArea } = ctx.scratch;
  const { outcome, N, T } = ctx;
  const lo = ctx.lo[a];
  const hi = ctx.hi[a];
  for (let t = 0; t < T; t++) {
    const base = (a * T + t) * N + ds;
    const bar = ctx.bars[t];
    for (let j = 0; j < G; j++) taken[j] = 0;
    for (let d = 0; d < D; d++) {
      let m = -1;
      // bestIou below the bar: the search would skip every GT (exact shortcut)
      if (bestIou[d] >= bar) {
        let best = bar;
        const row = d * G;
        for (let j = 0; j < G; j++) {
          if (taken[j] === 1 && crowd[j] === 0) continue;
          // matched to a regular GT already: the ignored GTs come after, stop
          if (m > -1 && ignored[m] === 0 && ignored[j] === 1) break;
          const iou = ious[row + perm[j]];
          if (iou < best) continue;
          best = iou;
          m = j;
        }
      }
      // pycocotools stores the GT id as the match and 0 means "unmatched": GT id 0 never counts.
      let matched = false;
      let isIgnored = false;
      if (m > -1) {
        taken[m] = 1;
        matched = ids[m] !== 0;
        isIgnored = ignored[m] === 1;
      }
      if (!matched && !isIgnored) isIgnored = dtArea[d] < lo || dtArea[d] > hi;
      if (isIgnored) outcome[base + d] = IGNORED;
      else if (matched) outcome[base + d] = TRUE_POSITIVE;
    }
  }
}
