/**
 * The search's plots, as vega-lite specs rendered with @apdet/report: the reward per round
 * (mean line over a min–max band, every sample as a dot) and the five searched functions of
 * every searched head (one row per head for Faster R-CNN's RPN and RoI) at the start, middle
 * and end of the search. Pure spec builders plus one writer that never
 * throws: a plot is a convenience, the search must go on without it.
 */
import path from 'node:path';
import { evaluateCtrlPoints, gradScaleFromTheta, PAP_FUNCTION_ORDER, thetaToCtrlPoints } from '@apdet/losses';
import { renderVegaLiteToPng } from '@apdet/report';
import { RETINANET_SPACE, spaceLayout, type SearchSpace } from '@apdet/search';

/** A vega-lite spec, as @apdet/report takes it (no direct vega-lite dependency here). */
type TopLevelSpec = Parameters<typeof renderVegaLiteToPng>[0];

export const REWARD_PLOT = 'reward-per-round.png';
export const FUNCTIONS_PLOT = 'functions.png';

export interface RoundRewards {
  round: number;
  rewards: readonly number[];
}

export interface PolicySnapshot {
  /** Shown in the legend, e.g. `start (round 0)`. */
  label: string;
  /**
   * The policy mean μ (θ layout of docs/spec/paper-spec.md §4.3, @apdet/search `SearchSpace`:
   * 8 numbers per function of every head in head order, then one grad scale per head).
   */
  mu: readonly number[];
}

/** One dot per sample, and per round the mean, min and max. */
export function rewardChartSpec(rounds: readonly RoundRewards[]): TopLevelSpec {
  const samples = rounds.flatMap((r) => r.rewards.map((reward) => ({ round: r.round + 1, reward })));
  const summary = rounds
    .filter((r) => r.rewards.length > 0)
    .map((r) => ({
      round: r.round + 1,
      mean: mean(r.rewards),
      min: Math.min(...r.rewards),
      max: Math.max(...r.rewards),
    }));
  const x = { field: 'round', type: 'quantitative', title: 'round', axis: { tickMinStep: 1 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Proxy reward (COCO AP on proxy-val) per round',
    width: 480,
    height: 260,
    layer: [
      {
        data: { values: summary },
        mark: { type: 'area', opacity: 0.25 },
        encoding: { x, y: { field: 'min', type: 'quantitative', title: 'reward (AP)' }, y2: { field: 'max' } },
      },
      {
        data: { values: samples },
        mark: { type: 'circle', size: 24, opacity: 0.6 },
        encoding: { x, y: { field: 'reward', type: 'quantitative' } },
      },
      {
        data: { values: summary },
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'mean', type: 'quantitative' } },
      },
    ],
  };
}

/** Samples of f on [0, 1]: the knots plus a regular grid, so the piecewise-linear shape is exact. */
export function functionCurve(ctrl: readonly number[], gridPoints = 50): { x: number; y: number }[] {
  const xs = new Set<number>();
  for (let i = 0; i <= gridPoints; i++) xs.add(i / gridPoints);
  for (let i = 0; i < ctrl.length; i += 2) if (ctrl[i] > 0) xs.add(ctrl[i]);
  return [...xs].sort((a, b) => a - b).map((x) => ({ x, y: evaluateCtrlPoints(ctrl, x) }));
}

/** RetinaNet's θ → the five functions' control points, in the loss's row order (H2, I2, I3, I1, H1). */
export function ctrlPointsOfMu(mu: readonly number[], perFunction = 8): number[][] {
  return PAP_FUNCTION_ORDER.map((_, f) =>
    thetaToCtrlPoints(mu.slice(f * perFunction, (f + 1) * perFunction).map(clamp01)),
  );
}

/** One searched head of μ: its name in the plot, its functions' control points and its gradient scale. */
export interface HeadCurves {
  /** `heads.<kind>` of the `--loss-params` file, or `all heads` for a single-head space. */
  head: string;
  /** Rows in the head's function order (`functions`). */
  ctrlPoints: number[][];
  functions: readonly string[];
  gradScale: number;
}

/**
 * μ → every head's functions and gradient scale, with the layout of `space` (@apdet/search
 * `spaceLayout`: RetinaNet's one head, or Faster R-CNN's RPN then RoI functions, then the two
 * scales). θ is clamped to [0, 1] as the sampled θ are (the policy's truncated normal).
 */
export function headCurvesOfMu(mu: readonly number[], space: SearchSpace = RETINANET_SPACE): HeadCurves[] {
  const layout = spaceLayout(space);
  if (mu.length !== layout.dims) {
    throw new RangeError(`μ has ${mu.length} numbers, but search space '${space.name}' has ${layout.dims}`);
  }
  return layout.heads.map((slice) => ({
    head: slice.head.kind ?? 'all heads',
    functions: slice.head.functions,
    ctrlPoints: slice.functionOffsets.map((start) =>
      thetaToCtrlPoints(mu.slice(start, start + space.paramsPerFunction).map(clamp01)),
    ),
    gradScale: gradScaleFromTheta(clamp01(mu[slice.gradScaleIndex])),
  }));
}

/**
 * One panel per function, one line per snapshot; a multi-head space (Faster R-CNN) gets one row
 * of panels per head. The legend gives each snapshot's gradient scale per head.
 */
export function functionsChartSpec(
  snapshots: readonly PolicySnapshot[],
  space: SearchSpace = RETINANET_SPACE,
): TopLevelSpec {
  const perSnapshot = snapshots.map((s) => {
    const heads = headCurvesOfMu(s.mu, space);
    const scales = heads.map((h) => (heads.length === 1 ? '' : `${h.head} `) + h.gradScale.toFixed(2)).join(', ');
    return { label: `${s.label}; grad scale ${scales}`, heads };
  });
  const values = perSnapshot.flatMap(({ label, heads }) =>
    heads.flatMap((h) =>
      h.ctrlPoints.flatMap((ctrl, f) =>
        functionCurve(ctrl).map((p) => ({ ...p, fn: h.functions[f], head: h.head, when: label })),
      ),
    ),
  );
  const headNames = space.heads.map((h) => h.kind ?? 'all heads');
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Searched functions (policy mean μ)',
      // The axis title repeats under every panel, so it stays short; the subtitle says what it is.
      subtitle: [
        'input: normalised score difference for H1, H2; IoU for I1, I2, I3',
        ...(headNames.length > 1 ? [`one row per head: ${headNames.join(', ')}`] : []),
      ],
    },
    data: { values },
    spec: {
      width: 150,
      height: 150,
      mark: { type: 'line' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'input', scale: { domain: [0, 1] } },
        y: { field: 'y', type: 'quantitative', title: 'f', scale: { domain: [0, 1] } },
        color: {
          field: 'when',
          type: 'nominal',
          title: null,
          sort: perSnapshot.map((s) => s.label),
          legend: { labelLimit: 600, orient: 'bottom', direction: 'vertical' },
        },
      },
    },
  } satisfies Partial<TopLevelSpec>;
  const fnFacet = { field: 'fn', type: 'nominal' as const, title: null, sort: [...PAP_FUNCTION_ORDER] };
  if (headNames.length === 1) return { ...common, facet: fnFacet, columns: 5 };
  return {
    ...common,
    facet: {
      row: { field: 'head', type: 'nominal' as const, title: null, sort: headNames, header: { labelFontSize: 13 } },
      column: fnFacet,
    },
  };
}

/** Start, middle and end of the μ series (`round` = rounds finished), without duplicates. */
export function pickSnapshots(history: readonly { round: number; mu: readonly number[] }[]): PolicySnapshot[] {
  if (history.length === 0) return [];
  const picks = [0, Math.floor((history.length - 1) / 2), history.length - 1];
  const names = ['start', 'middle', 'end'];
  const seen = new Set<number>();
  const out: PolicySnapshot[] = [];
  picks.forEach((index, k) => {
    if (seen.has(index)) return;
    seen.add(index);
    const h = history[index];
    out.push({ label: `${names[k]} (after ${h.round} round${h.round === 1 ? '' : 's'})`, mu: h.mu });
  });
  return out;
}

/**
 * Writes both plots into `dir`. Failures (no fonts, a rendering bug) become one warning each;
 * the search never stops for a plot.
 */
export async function writeSearchPlots(
  dir: string,
  rounds: readonly RoundRewards[],
  muHistory: readonly { round: number; mu: readonly number[] }[],
  warn: (line: string) => void,
  space: SearchSpace = RETINANET_SPACE,
): Promise<string[]> {
  const written: string[] = [];
  const attempt = async (file: string, spec: () => TopLevelSpec): Promise<void> => {
    try {
      await renderVegaLiteToPng(spec(), path.join(dir, file), { onWarning: warn });
      written.push(file);
    } catch (error) {
      warn(`warning: could not draw ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (rounds.some((r) => r.rewards.length > 0)) await attempt(REWARD_PLOT, () => rewardChartSpec(rounds));
  if (muHistory.length > 0) await attempt(FUNCTIONS_PLOT, () => functionsChartSpec(pickSnapshots(muHistory), space));
  return written;
}

function clamp01(t: number): number {
  return Math.min(1, Math.max(0, t));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
