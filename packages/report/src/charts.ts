/**
 * vega-lite specs of the report's charts. Builders are pure (data in, spec out) so tests can
 * check the data a chart shows without rendering it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { isEvalRecord, isTrainRecord, type MetricRecord } from './metrics.js';
import type { PrPoint } from './pr.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const SIZE = { width: 560, height: 320 } as const;
// Text is drawn by librsvg with the fonts fontconfig finds; 'sans-serif' resolves everywhere a font exists.
const CONFIG = { font: 'sans-serif', background: 'white' } as const;

export interface LossPoint {
  readonly iter: number;
  /** A part's name, or 'total' when the loss has several parts. */
  readonly part: string;
  readonly value: number;
}

/** Loss parts over training; 'total' is added when there is more than one part (with one, it equals the part). */
export function lossSeries(records: readonly MetricRecord[]): LossPoint[] {
  const points: LossPoint[] = [];
  for (const r of records.filter(isTrainRecord)) {
    const parts = Object.entries(r.parts);
    for (const [part, value] of parts) if (Number.isFinite(value)) points.push({ iter: r.iter, part, value });
    if (parts.length !== 1 && Number.isFinite(r.loss)) points.push({ iter: r.iter, part: 'total', value: r.loss });
  }
  return points;
}

export interface ApPoint {
  readonly iter: number;
  readonly metric: 'AP' | 'AP50' | 'AP75';
  readonly value: number;
}

/** Val AP, AP50 and AP75 per evaluation (undefined, i.e. negative, values are left out). */
export function valApSeries(records: readonly MetricRecord[]): ApPoint[] {
  return records.filter(isEvalRecord).flatMap((r) =>
    (
      [
        ['AP', r.ap],
        ['AP50', r.ap50],
        ['AP75', r.ap75],
      ] as const
    )
      .filter(([, v]) => v >= 0)
      .map(([metric, value]) => ({ iter: r.iter, metric, value })),
  );
}

/** Iterations are integers: integer ticks only, no "4.000000" when the domain is a single step. */
const ITER_AXIS = { format: 'd', tickMinStep: 1 } as const;

/** Few records (a short run): points too, since a line through one point draws nothing. */
const FEW_POINTS = 30;

export function lossChartSpec(points: readonly LossPoint[], title = 'Training loss'): TopLevelSpec {
  const perPart = points.length / Math.max(1, new Set(points.map((p) => p.part)).size);
  return {
    $schema: SCHEMA,
    title,
    ...SIZE,
    config: CONFIG,
    data: { values: [...points] },
    mark: { type: 'line', strokeWidth: 1.5, ...(perPart < FEW_POINTS ? { point: { size: 30, filled: true } } : {}) },
    encoding: {
      x: { field: 'iter', type: 'quantitative', title: 'iteration', scale: { zero: true }, axis: ITER_AXIS },
      y: { field: 'value', type: 'quantitative', title: 'loss' },
      color: { field: 'part', type: 'nominal', title: 'part' },
    },
  };
}

/** Lines with points, so a run with a single evaluation still shows its values. */
export function valApChartSpec(points: readonly ApPoint[], title = 'Val AP over training'): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    ...SIZE,
    config: CONFIG,
    data: { values: [...points] },
    mark: { type: 'line', point: { size: 60, filled: true } },
    encoding: {
      x: { field: 'iter', type: 'quantitative', title: 'iteration', scale: { zero: true }, axis: ITER_AXIS },
      y: { field: 'value', type: 'quantitative', title: 'COCO AP (val)', scale: { domain: [0, 1] } },
      color: { field: 'metric', type: 'nominal', title: 'metric', sort: ['AP', 'AP50', 'AP75'] },
      tooltip: [{ field: 'metric' }, { field: 'iter' }, { field: 'value', format: '.3f' }],
    },
  };
}

/** One line per category: interpolated precision at each recall threshold. */
export function prChartSpec(
  points: readonly PrPoint[],
  title: string,
  categoryOrder?: readonly string[],
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    // pycocotools sets precision to 0 at recall thresholds a class never reaches: the drop is
    // real, not a plotting artefact.
    title: { text: title, subtitle: 'area=all, maxDets=100; precision is 0 beyond the highest recall reached' },
    width: 420,
    height: 360,
    config: CONFIG,
    data: { values: [...points] },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'recall', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', title: 'precision', scale: { domain: [0, 1] } },
      color: {
        field: 'category',
        type: 'nominal',
        title: 'class',
        ...(categoryOrder ? { sort: [...categoryOrder] } : {}),
      },
    },
  };
}
