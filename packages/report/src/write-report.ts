/**
 * A run's report folder: charts (loss, val AP, PR curves), the predictions grid and
 * summary.md. Each part is drawn independently: one that fails (e.g. a missing image file)
 * becomes a note in summary.md and in the result, and the rest is still written.
 */
import path from 'node:path';
import { atomicWriteFile } from '@apdet/io';
import { lossChartSpec, lossSeries, prChartSpec, valApChartSpec, valApSeries } from './charts.js';
import type { MetricRecord } from './metrics.js';
import { prSeries } from './pr.js';
import { writePredictionGrid } from './predictions.js';
import { renderVegaLiteToPng, type RenderOptions } from './render.js';
import { summaryMarkdown, type SummaryLinks } from './summary.js';
import { classThresholds, describeThreshold, type ScoreThreshold } from './threshold.js';
import type { PredictionInput, ReportEvaluation, RunFacts } from './types.js';

/** File names inside the report folder. */
export const REPORT_FILES = {
  summary: 'summary.md',
  loss: 'loss.png',
  valAp: 'val-ap.png',
  pr50: 'pr-iou50.png',
  pr75: 'pr-iou75.png',
  predictions: 'predictions.png',
} as const;

export interface RunReportInput {
  /** The report folder (created if needed), e.g. `runs/<run>/report`. */
  readonly outDir: string;
  readonly facts: RunFacts;
  /** metrics.jsonl records (`train` and `eval`; others are ignored). */
  readonly metrics: readonly MetricRecord[];
  /** The final evaluation (a `CocoEvalResult` works as is). */
  readonly evaluation: ReportEvaluation;
  /** Images and boxes to draw; the first 8 images are drawn. Omit to skip the predictions grid. */
  readonly predictions?: PredictionInput;
  /** Which predictions to draw: 'f1' (default, per-class F1-optimal score at IoU 0.5) or a fixed score. */
  readonly scoreThreshold?: ScoreThreshold;
  readonly render?: RenderOptions;
}

export interface RunReportResult {
  readonly outDir: string;
  /** Files written, relative to `outDir`. */
  readonly files: readonly string[];
  /** Parts that could not be drawn, one line each (also listed in summary.md). */
  readonly notes: readonly string[];
  /** Seconds spent on each file written (summary.md included). */
  readonly timings: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/**
 * Writes the report of one run into `input.outDir` (every file atomically).
 *
 * @example
 * const result = evaluateCoco(gtJson, detectionsJson);
 * await writeRunReport({
 *   outDir: 'runs/my-run/report',
 *   facts: {
 *     run: 'my-run',
 *     config: 'retinanet-tiny',
 *     loss: 'param-ap',
 *     iterations: 1000,
 *     trainMinutes: 11.8,
 *     backend: 'wasm',
 *   },
 *   metrics: parseMetricsJsonl(await readFile('runs/my-run/metrics.jsonl', 'utf8')),
 *   evaluation: result,
 * });
 */
export async function writeRunReport(input: RunReportInput): Promise<RunReportResult> {
  const start = performance.now();
  const { outDir, evaluation } = input;
  const choice = input.scoreThreshold ?? 'f1';
  const thresholds = classThresholds(evaluation, choice);
  const files: string[] = [];
  const notes: string[] = [];
  const timings: Record<string, number> = {};
  const links: { -readonly [K in keyof SummaryLinks]: string } = {};
  const attempt = async (key: keyof SummaryLinks, what: string, draw: (file: string) => Promise<unknown>) => {
    const name = REPORT_FILES[key];
    const t0 = performance.now();
    try {
      await draw(path.join(outDir, name));
      timings[name] = (performance.now() - t0) / 1000;
      links[key] = name;
      files.push(name);
    } catch (error) {
      notes.push(`${what} not drawn: ${(error as Error).message}`);
    }
  };

  const loss = lossSeries(input.metrics);
  if (loss.length > 0)
    await attempt('loss', 'loss chart', (f) =>
      renderVegaLiteToPng(lossChartSpec(loss, `Training loss (${input.facts.loss})`), f, input.render),
    );
  else notes.push('loss chart not drawn: metrics have no train records');
  const ap = valApSeries(input.metrics);
  if (ap.length > 0)
    await attempt('valAp', 'val AP chart', (f) => renderVegaLiteToPng(valApChartSpec(ap), f, input.render));
  else notes.push('val AP chart not drawn: metrics have no eval records');
  for (const [key, iouThr] of [
    ['pr50', 0.5],
    ['pr75', 0.75],
  ] as const) {
    await attempt(key, `PR curves at IoU ${iouThr}`, (f) =>
      renderVegaLiteToPng(
        prChartSpec(
          prSeries(evaluation, { iouThr }),
          `Precision-recall per class, IoU=${iouThr.toFixed(2)}`,
          evaluation.categoryNames,
        ),
        f,
        input.render,
      ),
    );
  }
  if (input.predictions)
    await attempt('predictions', 'predictions grid', (f) =>
      writePredictionGrid(input.predictions!, f, {
        scoreThreshold: new Map(thresholds.map((c) => [c.categoryId, c.threshold])),
        thresholdDescription: `${describeThreshold(choice)}${choice === 'f1' ? ', see summary.md' : ''}`,
      }),
    );
  else notes.push('predictions grid not drawn: no images given');

  const t0 = performance.now();
  await atomicWriteFile(
    path.join(outDir, REPORT_FILES.summary),
    summaryMarkdown({
      facts: input.facts,
      evaluation,
      links,
      thresholds,
      thresholdDescription: describeThreshold(choice),
      notes,
    }),
  );
  files.push(REPORT_FILES.summary);
  timings[REPORT_FILES.summary] = (performance.now() - t0) / 1000;
  return { outDir, files, notes, timings, seconds: (performance.now() - start) / 1000 };
}
