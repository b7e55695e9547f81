import { pyFixed, type CocoEvalResult, type PhaseTimings, type SummaryEntry } from '@apdet/coco-eval/node';

const short = (x: number) => pyFixed(x, 2).replace(/^0\./, '.');

/** pycocotools-style stat name, e.g. `AP@[.50:.95|all|100]` (IoU range from the parameters). */
export function statName(s: SummaryEntry, iouThrs: readonly number[]): string {
  const iou = s.iouThr === null ? `${short(iouThrs[0])}:${short(iouThrs[iouThrs.length - 1])}` : short(s.iouThr);
  return `${s.metric}@[${iou}|${s.area}|${s.maxDet}]`;
}

const fmt = (v: number) => (v < 0 ? '    -' : pyFixed(v, 3));

/** Per-category AP and AP50 (first area range, largest maxDet), one row per category. */
export function formatPerCategoryTable(result: CocoEvalResult): string {
  const { params } = result;
  const area = params.areaRanges[0].label;
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const width = Math.max(8, ...result.perCategory.map((c) => c.name.length));
  const header = `${'id'.padStart(6)}  ${'category'.padEnd(width)}  AP     AP50`;
  const rows = result.perCategory.map(
    (c) => `${String(c.categoryId).padStart(6)}  ${c.name.padEnd(width)}  ${fmt(c.ap)}  ${fmt(c.ap50)}`,
  );
  return [`per-category AP (area=${area}, maxDets=${maxDet}; - = no ground truth):`, header, ...rows].join('\n');
}

export function formatTimings(t: PhaseTimings): string {
  const total = t.loadS + t.evaluateS + t.accumulateS + t.summarizeS;
  const s = (v: number) => `${v.toFixed(3)} s`;
  return `timing: load ${s(t.loadS)}, evaluate ${s(t.evaluateS)}, accumulate ${s(t.accumulateS)}, summarize ${s(t.summarizeS)}, total ${s(total)}`;
}
