import { readJsonFile, UserError } from '@apdet/io';
import { baselineParamFields, createBaselineLoss } from './baseline-entry.js';
import { EMPTY_LOSS_PARAMS, parseLossParams, type LossParams, type ParamField } from './loss-params.js';
import { createPapLoss, papParamFields, type PapName } from './pap-entry.js';
import type { DetectionLoss } from './types.js';

/** Every name `--loss` accepts, in help order. */
export const LOSS_NAMES = [
  'param-ap',
  'param-ap:linear',
  'param-ap:square',
  'param-ap:sigmoid',
  'focal+l1',
  'focal+giou',
  'focal+l1+giou',
  'ce+l1',
  'ce+giou',
  'ce+smooth-l1',
  'ce+l1+giou',
] as const;

export type LossName = (typeof LOSS_NAMES)[number];

/** The default `--loss`. */
export const DEFAULT_LOSS: LossName = 'param-ap';

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

const isPap = (name: LossName): name is PapName => name.startsWith('param-ap');

/** Options of {@link getLoss}. */
export interface GetLossOptions {
  /** The parsed JSON of a `--loss-params` file; validated here (see `parseLossParams` for the schema). */
  params?: unknown;
  /** Names the params in errors and manifests (the file path). Default `--loss-params`. */
  paramsSource?: string;
}

/**
 * The registry: the loss a user chose with `--loss <name>` (and optionally `--loss-params`),
 * ready for any detector head. An unknown name or invalid params throw a {@link UserError}
 * that lists the valid names / fields.
 *
 * @example
 * const loss = getLoss('param-ap');
 * const { total, parts } = loss.compute({ headKind: 'retina', numClasses, logits, labels, boxes });
 */
export function getLoss(name: string, options: GetLossOptions = {}): DetectionLoss {
  const lossName = checkLossName(name);
  const params =
    options.params === undefined
      ? EMPTY_LOSS_PARAMS
      : toLossParams(lossName, options.params, options.paramsSource ?? '--loss-params');
  return isPap(lossName) ? createPapLoss(lossName, params) : createBaselineLoss(lossName, params);
}

/**
 * {@link getLoss} with the params read from a JSON file (errors name the file, line and field).
 *
 * @example
 * const loss = await loadLoss(flags.loss ?? DEFAULT_LOSS, flags['loss-params']);
 */
export async function loadLoss(name: string, paramsFile?: string): Promise<DetectionLoss> {
  checkLossName(name);
  if (paramsFile === undefined) return getLoss(name);
  return getLoss(name, { params: await readJsonFile(paramsFile), paramsSource: paramsFile });
}

/** The `--loss-params` fields a loss accepts (for help texts and docs). */
export function lossParamFields(name: string): readonly ParamField[] {
  const lossName = checkLossName(name);
  return isPap(lossName) ? papParamFields(lossName) : baselineParamFields(lossName);
}

/** Validates raw `--loss-params` JSON for a loss (see `parseLossParams` for the schema). */
export function validateLossParams(name: string, json: unknown, source = '--loss-params'): LossParams {
  return toLossParams(checkLossName(name), json, source);
}

/** One line per loss, `name  summary`, for `--help`. */
export function describeLosses(): string {
  const width = Math.max(...LOSS_NAMES.map((n) => n.length));
  return LOSS_NAMES.map((n) => `${n.padEnd(width)}  ${getLoss(n).summary}`).join('\n');
}

function toLossParams(name: LossName, params: unknown, source: string): LossParams {
  return parseLossParams(name, lossParamFields(name), params, source);
}

function checkLossName(name: string): LossName {
  if (isLossName(name)) return name;
  const suggestion = closestName(name);
  const hint = suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
  throw new UserError(`unknown --loss '${name}'${hint}; valid names: ${LOSS_NAMES.join(', ')}`);
}

/** The registered name within edit distance 3 of `name`, if any. */
function closestName(name: string): LossName | undefined {
  let best: LossName | undefined;
  let bestDistance = 4;
  for (const candidate of LOSS_NAMES) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
