/**
 * Which predictions to draw. Scores are not comparable across losses: focal-loss scores are
 * roughly calibrated probabilities, but ranking losses (AP-Loss, the Parameterized AP loss)
 * only order detections, and their scores are often all below 0.3. A fixed cut therefore
 * draws nothing for some losses. The default picks, per class, the score at which F1 is
 * highest on the val PR curve (IoU 0.5, area all, maxDets 100): the operating point that
 * balances missed objects and false alarms for that model. A fixed number can be given instead.
 */
import type { ReportEvaluation } from './types.js';

/** `'f1'` (default): per-class F1-optimal score; a number: one fixed score threshold. */
export type ScoreThreshold = number | 'f1';

/** Used for a class whose PR curve has no F1 > 0 (no GT or no detection), and as the documented fixed choice. */
export const FALLBACK_SCORE_THRESHOLD = 0.3;

export interface ClassThreshold {
  readonly categoryId: number;
  readonly name: string;
  /** Draw detections of this class with score ≥ threshold. */
  readonly threshold: number;
  /** The operating point the threshold came from (null: fixed or fallback). */
  readonly point: { readonly precision: number; readonly recall: number; readonly f1: number } | null;
}

/** One threshold per category of `evaluation`, in K order. */
export function classThresholds(evaluation: ReportEvaluation, choice: ScoreThreshold): ClassThreshold[] {
  const { params, precision, categoryIds, categoryNames } = evaluation;
  if (choice !== 'f1')
    return categoryIds.map((categoryId, k) => ({
      categoryId,
      name: categoryNames[k],
      threshold: choice,
      point: null,
    }));
  const scores = evaluation.scores;
  const [, R, K, A, M] = precision.shape as [number, number, number, number, number];
  const t = params.iouThrs.findIndex((v) => Math.abs(v - 0.5) < 1e-9);
  return categoryIds.map((categoryId, k) => {
    let best: ClassThreshold = {
      categoryId,
      name: categoryNames[k],
      threshold: FALLBACK_SCORE_THRESHOLD,
      point: null,
    };
    if (t < 0 || scores === undefined) return best;
    for (let r = 0; r < R; r++) {
      const at = (((t * R + r) * K + k) * A + 0) * M + (M - 1);
      const p = precision.data[at];
      const rec = params.recThrs[r];
      const f1 = p > 0 && rec > 0 ? (2 * p * rec) / (p + rec) : 0;
      if (f1 > (best.point?.f1 ?? 0))
        best = {
          categoryId,
          name: categoryNames[k],
          threshold: scores.data[at],
          point: { precision: p, recall: rec, f1 },
        };
    }
    return best;
  });
}

/** Describes the choice in one line (legend of the predictions image and summary.md). */
export function describeThreshold(choice: ScoreThreshold): string {
  return choice === 'f1' ? 'score ≥ the per-class F1-optimal threshold at IoU 0.5' : `score ≥ ${choice}`;
}
