/**
 * @apdet/coco-eval/node: the evaluator on files. Reads COCO instances and results JSON with
 * errors that name the file, the record and the problem (as `UserError`s from @apdet/io).
 */
import { UserError, describeFsError, isUserError, parseJsonText } from '@apdet/io';
import { readFile } from 'node:fs/promises';
import { accumulate, evaluate, summarize } from './coco-eval.js';
import { loadDetections, type Detections } from './detections.js';
import { isCocoInputError } from './errors.js';
import { loadGroundTruth, type GroundTruth } from './ground-truth.js';
import type { EvalOptions } from './params.js';
import { NON_FINITE_TOKEN } from './record-fields.js';
import { scanDetections } from './results-scanner.js';
import type { CocoEvalResult } from './result.js';

export * from './index.js';

/** Reads and validates a COCO instances JSON file. */
export async function readGroundTruthFile(file: string): Promise<GroundTruth> {
  const json = parseCocoJson((await readOnce(file)).toString('utf8'), file);
  return withFileName(file, () => loadGroundTruth(json));
}

/**
 * Reads and validates a COCO results (detections) JSON file against its ground truth. Big
 * files go through the byte scanner; anything it does not accept takes the general path,
 * which yields the same arrays or the error naming the record. Both paths use the same bytes:
 * the file is read once, so a pipe (`--dt /dev/stdin`) works like a file.
 */
export async function readDetectionsFile(file: string, gt: GroundTruth): Promise<Detections> {
  const bytes = await readOnce(file);
  const scanned = scanDetections(bytes, gt);
  if (scanned) return scanned;
  const json = parseCocoJson(bytes.toString('utf8'), file);
  return withFileName(file, () => loadDetections(json, gt));
}

/**
 * The whole content of `file`, read once (a pipe cannot be read twice: the second read would
 * find it empty, issue 22 item 10). A missing or unreadable file is a UserError naming it.
 */
async function readOnce(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UserError(`${file}: ${describeFsError(error)}`, { cause: error });
  }
}

/** Wall seconds per phase of {@link evaluateFiles}. */
export interface PhaseTimings {
  /** Reading, parsing and validating both files. */
  readonly loadS: number;
  readonly evaluateS: number;
  readonly accumulateS: number;
  readonly summarizeS: number;
}

/**
 * Evaluates a detections file against a COCO instances file.
 *
 * @example
 * const { result } = await evaluateFiles('instances_val2017.json', 'detections.json');
 * console.log(result.stats[0]); // AP@[.50:.95]
 */
export async function evaluateFiles(
  gtFile: string,
  dtFile: string,
  options: EvalOptions = {},
): Promise<{ result: CocoEvalResult; timings: PhaseTimings }> {
  const t0 = performance.now();
  const gt = await readGroundTruthFile(gtFile);
  const dt = await readDetectionsFile(dtFile, gt);
  const t1 = performance.now();
  const evaluation = withFileName('options', () => evaluate(gt, dt, options));
  const t2 = performance.now();
  const acc = accumulate(evaluation);
  const t3 = performance.now();
  const result = summarize(evaluation, acc);
  const t4 = performance.now();
  const s = (a: number, b: number) => (b - a) / 1000;
  return { result, timings: { loadS: s(t0, t1), evaluateS: s(t1, t2), accumulateS: s(t2, t3), summarizeS: s(t3, t4) } };
}

function withFileName<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (isCocoInputError(error)) throw new UserError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * `parseJsonText`, except that a text with bare `NaN` / `Infinity` tokens (valid for Python's
 * json module, which writes them) is parsed again with those tokens marked, so validation can
 * report which record holds the non-finite value — or accept it where pycocotools never
 * looks (an ignored field).
 */
function parseCocoJson(text: string, file: string): unknown {
  try {
    return parseJsonText(text, file);
  } catch (error) {
    if (!isUserError(error) || !/unexpected "-?(NaN|Infinity)/.test(error.message)) throw error;
    const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) =>
      token.startsWith('"') ? token : JSON.stringify(NON_FINITE_TOKEN + token),
    );
    try {
      return JSON.parse(marked);
    } catch {
      throw error;
    }
  }
}
