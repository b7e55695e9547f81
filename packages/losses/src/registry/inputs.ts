import * as tf from '@tensorflow/tfjs';
import {
  HEAD_KINDS,
  type ClassifierSpec,
  type DetectionLoss,
  type DetectionLossInputs,
  type PredTarget,
} from './types.js';

/** K: C logits for a sigmoid classifier, C + 1 (background last) for a softmax one. */
export function logitsCount(spec: ClassifierSpec, numClasses: number): number {
  return spec.activation === 'softmax' ? numClasses + 1 : numClasses;
}

/**
 * The initial classification bias a head should use: −log((1 − π)/π) for a prior π (RetinaNet's
 * 0.01 gives −4.595), 0 without one.
 *
 * @example
 * const bias = classifierBias(loss.classifier('retina'));   // fill the cls conv bias with it
 */
export function classifierBias(spec: ClassifierSpec): number {
  const prior = spec.priorProbability;
  return prior === null ? 0 : -Math.log((1 - prior) / prior);
}

/** Class probabilities `[N, C]`: sigmoid, or softmax with the background column dropped. */
export function classScores(spec: ClassifierSpec, logits: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (spec.activation === 'sigmoid') return tf.sigmoid(logits);
    const [n, k] = logits.shape;
    return tf.slice(tf.softmax(logits), [0, 0], [n, k - 1]);
  });
}

/**
 * Checks a detector's {@link DetectionLossInputs} against what `loss` needs for the head, with
 * errors that name the field, the head and the loss (a detector bug, so a plain Error).
 */
export function assertInputs(loss: DetectionLoss, inputs: DetectionLossInputs): void {
  const { headKind, numClasses, logits, labels } = inputs;
  const where = `loss '${loss.name}', head '${headKind}'`;
  if (!HEAD_KINDS.includes(headKind))
    throw new Error(`${where}: unknown headKind; expected one of ${HEAD_KINDS.join(', ')}`);
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new Error(`${where}: numClasses must be a positive integer, got ${numClasses}`);
  const k = loss.numLogits(headKind, numClasses);
  if (logits.rank !== 2 || logits.shape[1] !== k) {
    throw new Error(
      `${where}: logits must be [N, ${k}] (${loss.classifier(headKind).activation} classifier, ${numClasses} classes); got [${logits.shape.join(', ')}]`,
    );
  }
  const n = logits.shape[0];
  if (labels.rank !== 1 || labels.shape[0] !== n)
    throw new Error(`${where}: labels must be [${n}]; got [${labels.shape.join(', ')}]`);
  if (labels.dtype !== 'int32')
    throw new Error(
      `${where}: labels must be int32 (class, ${numClasses} = background, -1 = ignored); got ${labels.dtype}`,
    );
  const needs = loss.needs(headKind);
  if (needs.boxes) assertPair(inputs.boxes, 'boxes', n, 4, where);
  if (needs.regression) assertPair(inputs.regression, 'regression', n, undefined, where);
}

function assertPair(
  pair: PredTarget | undefined,
  name: string,
  n: number,
  width: number | undefined,
  where: string,
): void {
  if (pair === undefined) throw new Error(`${where}: needs inputs.${name} ({ pred, target }, [${n}, ${width ?? 'D'}])`);
  for (const key of ['pred', 'target'] as const) {
    const t = pair[key];
    if (t.rank !== 2 || t.shape[0] !== n || (width !== undefined && t.shape[1] !== width)) {
      throw new Error(`${where}: inputs.${name}.${key} must be [${n}, ${width ?? 'D'}]; got [${t.shape.join(', ')}]`);
    }
  }
  if (pair.pred.shape[1] !== pair.target.shape[1]) {
    throw new Error(
      `${where}: inputs.${name}.pred and .target widths differ: ${pair.pred.shape[1]} vs ${pair.target.shape[1]}`,
    );
  }
}
