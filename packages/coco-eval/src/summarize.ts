import type { Accumulated } from './accumulate.js';
import { meanOfDefined, pyFixed } from './numpy-compat.js';
import type { EvalParams } from './params.js';

/** One line of the COCO summary. */
export interface SummaryEntry {
  readonly metric: 'AP' | 'AR';
  /** A single IoU threshold, or null for the mean over all of them. */
  readonly iouThr: number | null;
  readonly area: string;
  readonly maxDet: number;
  /** Mean of the defined (> -1) entries; -1 if none. */
  readonly value: number;
  /** The line exactly as pycocotools' `summarize()` prints it. */
  readonly line: string;
}

interface Row {
  metric: 'AP' | 'AR';
  iouThr: number | null;
  a: number;
  m: number;
}

/**
 * The rows of pycocotools' `_summarizeDets()`, generalised so custom parameters are honoured:
 * AP over IoUs, at 0.5 and at 0.75 for the first area range, AP per other area range, AR per
 * maxDet, AR per other area range, all at the largest maxDet. With the default parameters this
 * is exactly pycocotools' 12 stats (pycocotools hard-codes maxDets=100 for the first row,
 * so with custom maxDets without 100 it would print -1 there; we use the largest).
 */
function summaryRows(params: EvalParams): Row[] {
  const last = params.maxDets.length - 1;
  const rows: Row[] = [
    { metric: 'AP', iouThr: null, a: 0, m: last },
    { metric: 'AP', iouThr: 0.5, a: 0, m: last },
    { metric: 'AP', iouThr: 0.75, a: 0, m: last },
  ];
  for (let a = 1; a < params.areaRanges.length; a++) rows.push({ metric: 'AP', iouThr: null, a, m: last });
  for (let m = 0; m <= last; m++) rows.push({ metric: 'AR', iouThr: null, a: 0, m });
  for (let a = 1; a < params.areaRanges.length; a++) rows.push({ metric: 'AR', iouThr: null, a, m: last });
  return rows;
}

/** pycocotools `summarize()` for bbox: the summary entries (values = `E.stats`) and lines. */
export function summaryEntries(acc: Accumulated, params: EvalParams, K: number): SummaryEntry[] {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const buffer = new Float64Array(T * R * K);
  return summaryRows(params).map((row) => {
    // pycocotools selects the threshold with `np.where(iouThr == p.iouThrs)`: exact equality
    const ts = [...params.iouThrs.keys()].filter((t) => row.iouThr === null || params.iouThrs[t] === row.iouThr);
    let n = 0;
    for (const t of ts) {
      if (row.metric === 'AP') {
        for (let r = 0; r < R; r++) {
          for (let k = 0; k < K; k++) buffer[n++] = acc.precision[(((t * R + r) * K + k) * A + row.a) * M + row.m]!;
        }
      } else {
        for (let k = 0; k < K; k++) buffer[n++] = acc.recall[((t * K + k) * A + row.a) * M + row.m]!;
      }
    }
    const value = meanOfDefined(buffer, n);
    const area = params.areaRanges[row.a].label;
    const maxDet = params.maxDets[row.m];
    return {
      metric: row.metric,
      iouThr: row.iouThr,
      area,
      maxDet,
      value,
      line: formatLine(row, params, area, maxDet, value),
    };
  });
}

/** `' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'` */
function formatLine(row: Row, params: EvalParams, area: string, maxDet: number, value: number): string {
  const title = row.metric === 'AP' ? 'Average Precision' : 'Average Recall';
  const type = row.metric === 'AP' ? '(AP)' : '(AR)';
  const iou =
    row.iouThr === null
      ? `${pyFixed(params.iouThrs[0], 2)}:${pyFixed(params.iouThrs[params.iouThrs.length - 1], 2)}`
      : pyFixed(row.iouThr, 2);
  return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(maxDet).padStart(3)} ] = ${pyFixed(value, 3)}`;
}
