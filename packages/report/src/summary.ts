/**
 * summary.md: run facts, the 12 COCO stats with their standard names, per-class AP/AP50, and
 * links to the report's PNGs (relative, so the folder can be moved or viewed on GitHub).
 */
import type { ClassThreshold } from './threshold.js';
import type { ReportEvaluation, RunFacts } from './types.js';

/** pycocotools' 12 summary stats: short name and the description its summarize() prints. */
export const COCO_STAT_NAMES: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'AP', description: 'Average Precision, IoU=0.50:0.95, area=all, maxDets=100' },
  { name: 'AP50', description: 'Average Precision, IoU=0.50, area=all, maxDets=100' },
  { name: 'AP75', description: 'Average Precision, IoU=0.75, area=all, maxDets=100' },
  { name: 'APs', description: 'Average Precision, IoU=0.50:0.95, area=small, maxDets=100' },
  { name: 'APm', description: 'Average Precision, IoU=0.50:0.95, area=medium, maxDets=100' },
  { name: 'APl', description: 'Average Precision, IoU=0.50:0.95, area=large, maxDets=100' },
  { name: 'AR1', description: 'Average Recall, IoU=0.50:0.95, area=all, maxDets=1' },
  { name: 'AR10', description: 'Average Recall, IoU=0.50:0.95, area=all, maxDets=10' },
  { name: 'AR100', description: 'Average Recall, IoU=0.50:0.95, area=all, maxDets=100' },
  { name: 'ARs', description: 'Average Recall, IoU=0.50:0.95, area=small, maxDets=100' },
  { name: 'ARm', description: 'Average Recall, IoU=0.50:0.95, area=medium, maxDets=100' },
  { name: 'ARl', description: 'Average Recall, IoU=0.50:0.95, area=large, maxDets=100' },
];

/** A stat as printed: 3 decimals, or "n/a" for pycocotools' -1 (no ground truth in that setting). */
export const formatStat = (v: number): string => (v < 0 ? 'n/a' : v.toFixed(3));

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|');

export interface SummaryLinks {
  readonly loss?: string;
  readonly valAp?: string;
  readonly pr50?: string;
  readonly pr75?: string;
  readonly predictions?: string;
}

export interface SummaryInput {
  readonly facts: RunFacts;
  readonly evaluation: Pick<ReportEvaluation, 'stats' | 'perCategory'>;
  /** PNG file names relative to summary.md; a missing one is listed as not drawn. */
  readonly links: SummaryLinks;
  /** The drawing threshold per class, and how it was chosen. */
  readonly thresholds: readonly ClassThreshold[];
  readonly thresholdDescription: string;
  /** Notes appended at the end (e.g. charts that could not be drawn and why). */
  readonly notes?: readonly string[];
}

function factRows(f: RunFacts): string[] {
  const rows: [string, string | number][] = [
    ['config', f.config],
    ['loss', f.loss],
    ['iterations', Number.isFinite(f.iterations) ? f.iterations : 'unknown'],
    ['train minutes', Number.isFinite(f.trainMinutes) ? f.trainMinutes.toFixed(1) : 'unknown'],
    ['backend', f.backend],
  ];
  if (f.checkpoint !== undefined) rows.push(['checkpoint', f.checkpoint]);
  if (f.valImages !== undefined) rows.push(['val images', f.valImages]);
  for (const [k, v] of Object.entries(f.extra ?? {})) rows.push([k, v]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)];
}

function statRows(stats: readonly number[]): string[] {
  const named = stats.map((v, i) => ({
    name: COCO_STAT_NAMES[i]?.name ?? `stat ${i}`,
    description: stats.length === 12 ? COCO_STAT_NAMES[i].description : '',
    v,
  }));
  return [
    '| metric | setting | value |',
    '|---|---|---:|',
    ...named.map((s) => `| ${s.name} | ${s.description} | ${formatStat(s.v)} |`),
  ];
}

function image(title: string, file: string | undefined): string {
  return file === undefined ? `*${title}: not drawn (see notes)*` : `![${title}](${file})`;
}

function thresholdTable(thresholds: readonly ClassThreshold[]): string[] {
  if (!thresholds.some((t) => t.point !== null)) return [];
  const num = (v: number) => v.toFixed(3);
  return [
    '| class | score threshold | precision | recall | F1 (IoU 0.5) |',
    '|---|---:|---:|---:|---:|',
    ...thresholds.map((t) =>
      t.point
        ? `| ${cell(t.name)} | ${num(t.threshold)} | ${num(t.point.precision)} | ${num(t.point.recall)} | ${num(t.point.f1)} |`
        : `| ${cell(t.name)} | ${num(t.threshold)} (fallback) | | | |`,
    ),
    '',
  ];
}

/** The markdown text of summary.md. */
export function summaryMarkdown(input: SummaryInput): string {
  const { facts, evaluation, links } = input;
  const lines = [
    `# Run report: ${facts.run}`,
    '',
    ...factRows(facts),
    '',
    `## COCO bbox results (val)`,
    '',
    ...statRows(evaluation.stats),
    '',
    'n/a: no ground truth in that setting (pycocotools reports -1).',
    '',
    '## Per-class AP (area=all, maxDets=100)',
    '',
    '| class | AP | AP50 |',
    '|---|---:|---:|',
    ...evaluation.perCategory.map((c) => `| ${cell(c.name)} | ${formatStat(c.ap)} | ${formatStat(c.ap50)} |`),
    '',
    '## Training',
    '',
    image('loss parts over training', links.loss),
    '',
    image('val AP over training', links.valAp),
    '',
    '## PR curves per class (area=all, maxDets=100)',
    '',
    image('PR curves at IoU 0.50', links.pr50),
    '',
    image('PR curves at IoU 0.75', links.pr75),
    '',
    `## Predictions on val images`,
    '',
    `Drawn: predictions with ${input.thresholdDescription}; ground truth dashed.`,
    '',
    image('predictions', links.predictions),
    '',
    ...thresholdTable(input.thresholds),
  ];
  if (input.notes?.length) lines.push('## Notes', '', ...input.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
