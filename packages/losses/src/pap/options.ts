import { UserError } from '@apdet/io';
import { toPiecewiseLinear, type PiecewiseLinear } from './piecewise-linear.js';
import { PAP_FUNCTION_ORDER } from './presets.js';

/** The loss forms of the official `paploss` (`loss_form`). */
export type PapForm = 'searched' | 'linear' | 'square' | 'sigmoid';

export const PAP_FORMS: readonly PapForm[] = ['searched', 'linear', 'square', 'sigmoid'];

/** The official default `num_topk` (`int(1e5)`). */
export const DEFAULT_TOP_K = 100000;

/** Options of {@link parameterizedApLoss}. */
export interface PapLossOptions {
  form: PapForm;
  /**
   * Rows `[H2, I2, I3, I1, (H1)]`, each 8, 12 or 16 numbers (x/y interleaved). Required for
   * 'searched' (4 rows: H1 is the exact step `sign(Δ)/2 + 0.5`); ignored by the other forms,
   * as in the official code.
   */
  ctrlPoints?: number[][];
  /** Rows are the top-K valid pairs by logit when there are more than K; default 100000. */
  topK?: number;
}

/** Options after validation: the searched rows are parsed into functions. */
export interface ResolvedPapOptions {
  readonly form: PapForm;
  /** Parsed rows in `[H2, I2, I3, I1, H1?]` order; null unless form is 'searched'. */
  readonly functions: readonly PiecewiseLinear[] | null;
  readonly topK: number;
}

/** Validates {@link PapLossOptions}; errors name the option and the row. */
export function resolvePapOptions(options: PapLossOptions): ResolvedPapOptions {
  if (options === null || typeof options !== 'object') {
    throw new UserError('parameterizedApLoss: options must be an object with a `form`');
  }
  const { form } = options;
  if (!PAP_FORMS.includes(form)) {
    throw new UserError(`parameterizedApLoss: unknown form '${String(form)}'; expected one of ${PAP_FORMS.join(', ')}`);
  }
  const topK = options.topK ?? DEFAULT_TOP_K;
  if (!Number.isInteger(topK) || topK < 1) {
    throw new UserError(`parameterizedApLoss: topK must be a positive integer, got ${topK}`);
  }
  if (form !== 'searched') return { form, functions: null, topK };
  const rows = options.ctrlPoints;
  if (!Array.isArray(rows)) {
    throw new UserError(
      "parameterizedApLoss: form 'searched' needs ctrlPoints (rows [H2, I2, I3, I1, H1]); " +
        'use a preset, e.g. presetCtrlPoints(RETINANET_PRESET)',
    );
  }
  if (rows.length !== 4 && rows.length !== 5) {
    throw new UserError(
      `parameterizedApLoss: ctrlPoints must have 4 or 5 rows [H2, I2, I3, I1, (H1)], got ${rows.length}`,
    );
  }
  const functions = rows.map((row, i) => toPiecewiseLinear(row, `ctrlPoints[${i}] (${PAP_FUNCTION_ORDER[i]})`));
  return { form, functions, topK };
}
