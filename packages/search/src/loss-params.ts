import { UserError } from '@apdet/io';
import { ctrlPointsToTheta, gradScaleFromTheta, thetaFromGradScale, thetaToCtrlPoints } from '@apdet/losses';
import { spaceLayout, type SearchSpace } from './search-space.js';

/** The loss every searched θ is for: the searched form of the Parameterized AP loss. */
export const SEARCHED_LOSS = 'param-ap';

/** One head's searched values, as `--loss-params` spells them. */
export interface PapHeadParams {
  /** Rows [H2, I2, I3, I1, H1], x/y interleaved, with the (0,0) and (1,1) end points. */
  ctrlPoints: number[][];
  /** GradScale w = 10^(2θ − 1) on the box branch (docs/spec/paper-spec.md §5), applied for real in the proxy trainings. */
  gradScale: number;
}

/**
 * A `--loss-params` file for `--loss param-ap` (schema: @apdet/losses `parseLossParams`): the
 * values at the top level for a single-head space (`kind: null`), under `heads.<kind>` otherwise.
 */
export interface PapLossParams {
  loss: typeof SEARCHED_LOSS;
  ctrlPoints?: number[][];
  gradScale?: number;
  heads?: Record<string, PapHeadParams>;
  meta?: Record<string, unknown>;
}

/**
 * θ → control points and gradient scales (docs/spec/paper-spec.md §4.2 `convert_theta_coordinate`, §5
 * `w = 10^(2θ − 1)`), as a `--loss-params` object accepted by `--loss param-ap`.
 *
 * @example
 * thetaToLossParams(RETINANET_SPACE, initialMu(RETINANET_SPACE));
 * // { loss: 'param-ap', ctrlPoints: [[0,0, .2,.2, .4,.4, .59998,.59998, .79999,.79999, 1,1], ...], gradScale: 1 }
 */
export function thetaToLossParams(
  space: SearchSpace,
  theta: readonly number[],
  meta?: Record<string, unknown>,
): PapLossParams {
  const layout = spaceLayout(space);
  if (theta.length !== layout.dims)
    throw new UserError(`θ has ${theta.length} numbers, but search space '${space.name}' has ${layout.dims}`);
  const perHead = layout.heads.map((slice): PapHeadParams => ({
    ctrlPoints: slice.functionOffsets.map((start) =>
      thetaToCtrlPoints(theta.slice(start, start + space.paramsPerFunction)),
    ),
    gradScale: gradScaleFromTheta(theta[slice.gradScaleIndex]),
  }));
  const params: PapLossParams =
    layout.heads.length === 1 && layout.heads[0].head.kind === null
      ? { loss: SEARCHED_LOSS, ...perHead[0] }
      : {
          loss: SEARCHED_LOSS,
          heads: Object.fromEntries(layout.heads.map((slice, h) => [slice.head.kind as string, perHead[h]])),
        };
  if (meta !== undefined) params.meta = meta;
  return params;
}

/**
 * The inverse of {@link thetaToLossParams}: θ of a `--loss-params` object (e.g. a released
 * preset or a previous search's `final-params.json`, to start a search from it). Every head of
 * the space must have `ctrlPoints` (rows with (0,0) and (1,1) ends) and `gradScale` in [0.1, 10].
 */
export function lossParamsToTheta(space: SearchSpace, params: unknown, source = '--loss-params'): number[] {
  const layout = spaceLayout(space);
  const theta = new Array<number>(layout.dims);
  const top = asRecord(params, source);
  for (const slice of layout.heads) {
    const kind = slice.head.kind;
    const where = kind === null ? source : `${source}: heads.${kind}`;
    const values = kind === null ? top : asRecord(asRecord(top['heads'], `${source}: heads`)[kind], where);
    const rows = values['ctrlPoints'];
    if (!Array.isArray(rows) || rows.length !== slice.functionOffsets.length) {
      throw new UserError(
        `${where}: expected ctrlPoints with ${slice.functionOffsets.length} rows [${slice.head.functions.join(', ')}]`,
      );
    }
    slice.functionOffsets.forEach((start, f) => {
      const fnTheta = ctrlPointsToTheta(rows[f] as number[], `${where}: ctrlPoints[${f}] (${slice.head.functions[f]})`);
      if (fnTheta.length !== space.paramsPerFunction) {
        throw new UserError(
          `${where}: ctrlPoints[${f}] has ${fnTheta.length / 2} interior points; space '${space.name}' has ${space.paramsPerFunction / 2}`,
        );
      }
      fnTheta.forEach((v, i) => (theta[start + i] = v));
    });
    const w = values['gradScale'];
    if (typeof w !== 'number' || !(w >= 0.1 && w <= 10))
      throw new UserError(`${where}: gradScale must be a number in [0.1, 10] (the searched range), got ${String(w)}`);
    theta[slice.gradScaleIndex] = thetaFromGradScale(w);
  }
  return theta;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UserError(`${where}: expected a JSON object`);
  return value as Record<string, unknown>;
}
