/**
 * Loss wiring: RetinaNet outputs + batch targets → the loss registry's DetectionLossInputs for
 * head kind 'retina'. The detector never branches on the loss: it supplies what the entry's
 * `needs('retina')` declares (decoded boxes and/or raw regression), and the entry does the rest
 * (for `param-ap`: GradScale on the boxes, u = (GIoU+1)/2, the ranking loss; docs/spec/paper-spec.md §9.1).
 */
import * as tf from '@tensorflow/tfjs';
import { decodeDeltasTensor, decodeUnitAnchor } from '@apdet/ops';
import { PAP_BOX_CODER_STDS, type DetectionLoss, type DetectionLossInputs, type LossOutput } from '@apdet/losses';
import type { RetinaNetOutput } from './model/retinanet.js';
import type { BatchTargets } from './targets.js';

/**
 * Decodes deltas `[N, 4]` relative to a unit anchor centred at 0 (docs/spec/paper-spec.md §9.1). With the PAP
 * stds [0.1, 0.1, 0.2, 0.2] this is @apdet/ops's `decodeUnitAnchor` (the official code's
 * hard-coded decoding); with other stds it decodes with those stds, so predictions and targets
 * are always decoded with the coder that encoded the targets. IoU/GIoU are invariant to
 * per-axis affine maps, so this frame gives the same IoU as absolute pixel boxes.
 */
export function decodeInUnitFrame(deltas: tf.Tensor2D, stds: readonly number[]): tf.Tensor2D {
  if (stds.every((s, i) => s === PAP_BOX_CODER_STDS[i])) return decodeUnitAnchor(deltas);
  return tf.tidy(() => {
    const unit = tf.tile(tf.tensor2d([[-0.5, -0.5, 0.5, 0.5]]), [deltas.shape[0], 1]) as tf.Tensor2D;
    return decodeDeltasTensor(unit, deltas, { stds: [stds[0], stds[1], stds[2], stds[3]] });
  });
}

/**
 * The registry inputs of one batch: logits `[B·T, K]`, labels `[B·T]` (class / C background /
 * −1 ignored), and — when the loss needs them — unit-frame decoded predicted and target boxes
 * and the raw deltas with their encoded targets. Call inside the gradient closure.
 */
export function retinaLossInputs(
  loss: DetectionLoss,
  numClasses: number,
  output: Pick<RetinaNetOutput, 'logits' | 'deltas'>,
  targets: Pick<BatchTargets, 'labels' | 'deltas'>,
  stds: readonly number[],
): DetectionLossInputs {
  const [b, t, k] = output.logits.shape;
  const n = b * t;
  if (targets.labels.length !== n)
    throw new Error(`retinaLossInputs: ${targets.labels.length} target labels for ${n} anchors (batch ${b} × ${t})`);
  const logits = tf.reshape(output.logits, [n, k]) as tf.Tensor2D;
  const predDeltas = tf.reshape(output.deltas, [n, 4]) as tf.Tensor2D;
  const targetDeltas = tf.tensor2d(targets.deltas, [n, 4]);
  const inputs: DetectionLossInputs = {
    headKind: 'retina',
    numClasses,
    logits,
    labels: tf.tensor1d(targets.labels, 'int32'),
  };
  const needs = loss.needs('retina');
  if (needs.boxes)
    inputs.boxes = { pred: decodeInUnitFrame(predDeltas, stds), target: decodeInUnitFrame(targetDeltas, stds) };
  if (needs.regression) inputs.regression = { pred: predDeltas, target: targetDeltas };
  return inputs;
}

/** {@link retinaLossInputs} then `loss.compute`. */
export function retinaLoss(
  loss: DetectionLoss,
  numClasses: number,
  output: RetinaNetOutput,
  targets: BatchTargets,
  stds: readonly number[],
): LossOutput {
  return loss.compute(retinaLossInputs(loss, numClasses, output, targets, stds));
}
