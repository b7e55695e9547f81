import * as tf from '@tensorflow/tfjs';
import { giouLoss } from '../baseline/iou-losses.js';
import { l1Loss, smoothL1Loss } from '../baseline/regression.js';
import { sigmoidCrossEntropy, softmaxCrossEntropy } from '../baseline/cross-entropy.js';
import { sigmoidFocalLoss } from '../baseline/focal.js';
import {
  baselineBoxCoderStds,
  baselineDefaults,
  type BaselineHeadSettings,
  type BaselineName,
  type BoxTerm,
  type ClsTerm,
  type Normaliser,
} from './baseline-table.js';
import { assertInputs, classScores, logitsCount } from './inputs.js';
import { baselineSampler } from './samplers.js';
import { countAtLeastOne, labelMasks, type LabelMasks } from './labels.js';
import { EMPTY_LOSS_PARAMS, numberField, paramsForHead, type LossParams, type ParamField } from './loss-params.js';
import type { ClassifierSpec, DetectionLoss, DetectionLossInputs, HeadKind, LossOutput } from './types.js';

const SUMMARIES: Record<BaselineName, string> = {
  'focal+l1': 'sigmoid focal loss (α 0.25, γ 2) + L1 on the regression deltas',
  'focal+giou': 'sigmoid focal loss (α 0.25, γ 2) + GIoU on decoded boxes (RPN: L1)',
  'focal+l1+giou': 'sigmoid focal loss + L1 + GIoU (the Deformable DETR recipe)',
  'ce+l1': 'cross-entropy (softmax with background for RoI/DETR heads, sigmoid otherwise) + L1',
  'ce+giou': 'cross-entropy + GIoU on decoded boxes (RPN: L1)',
  'ce+smooth-l1': "cross-entropy + smooth-L1 (β 1/9) on the regression deltas (torchvision's Faster R-CNN)",
  'ce+l1+giou': 'cross-entropy + L1 + GIoU (the DETR recipe)',
};

/** The `--loss-params` fields a baseline entry accepts. */
export function baselineParamFields(name: BaselineName): ParamField[] {
  const focal = name.startsWith('focal');
  const fields: ParamField[] = [numberField('clsWeight', 'weight of the classification term', { min: 0 })];
  if (focal) {
    fields.push(numberField('alpha', 'focal α; negative disables the α weighting', { max: 1 }));
    fields.push(numberField('gamma', 'focal γ', { min: 0 }));
  } else {
    fields.push(numberField('backgroundWeight', 'softmax heads: class weight of the background logit', { min: 0 }));
  }
  // L1 appears in every entry (the RPN regresses with L1 in the GIoU entries too).
  if (name === 'ce+smooth-l1') {
    fields.push(numberField('l1Weight', 'weight of the smooth-L1 term', { min: 0 }));
    fields.push(numberField('l1Beta', 'smooth-L1 β (default 1/9; 0 = plain L1)', { min: 0 }));
  } else {
    fields.push(numberField('l1Weight', 'weight of the L1 term', { min: 0 }));
    fields.push(numberField('l1Beta', 'smooth-L1 β of the L1 term (0 = plain L1)', { min: 0 }));
  }
  if (name.includes('giou')) fields.push(numberField('giouWeight', 'weight of the GIoU term', { min: 0 }));
  return fields;
}

/** Builds a baseline registry entry (classification term + box terms, see baseline-table.ts). */
export function createBaselineLoss(name: BaselineName, params: LossParams = EMPTY_LOSS_PARAMS): DetectionLoss {
  const settingsFor = (head: HeadKind): BaselineHeadSettings =>
    applyParams(baselineDefaults(name, head), paramsForHead(params, head));
  const classifier = (head: HeadKind): ClassifierSpec => ({
    activation: settingsFor(head).cls.kind === 'softmax-ce' ? 'softmax' : 'sigmoid',
    priorProbability: settingsFor(head).priorProbability,
  });
  const loss: DetectionLoss = {
    name,
    summary: SUMMARIES[name],
    needs: (head) => {
      const box = settingsFor(head).box;
      return { boxes: box.some((t) => t.kind === 'giou'), regression: box.some((t) => t.kind === 'l1') };
    },
    classifier,
    sampler: baselineSampler,
    boxCoderStds: baselineBoxCoderStds,
    numLogits: (head, numClasses) => logitsCount(classifier(head), numClasses),
    scores: (head, logits) => classScores(classifier(head), logits),
    settings: (head) => ({
      loss: name,
      headKind: head,
      paramsSource: params.source,
      ...structuredClone(settingsFor(head)),
    }),
    compute: (inputs) => {
      assertInputs(loss, inputs);
      return baselineLoss(settingsFor(inputs.headKind), inputs);
    },
  };
  return loss;
}

/** Classification term + box terms, each weighted and divided by its normaliser. */
function baselineLoss(settings: BaselineHeadSettings, inputs: DetectionLossInputs): LossOutput {
  return tf.tidy(() => {
    const masks = labelMasks(inputs.labels, inputs.numClasses);
    const parts: Record<string, tf.Scalar> = {};
    parts[clsPartName(settings.cls)] = classificationTerm(settings.cls, inputs, masks);
    for (const term of settings.box) {
      const key = boxPartName(term);
      const value = boxTerm(term, inputs, masks);
      parts[key] = parts[key] === undefined ? value : (tf.add(parts[key], value) as tf.Scalar);
    }
    return { total: tf.addN(Object.values(parts)) as tf.Scalar, parts };
  });
}

function applyParams(defaults: BaselineHeadSettings, p: Readonly<Record<string, unknown>>): BaselineHeadSettings {
  const num = (key: string): number | undefined => p[key] as number | undefined;
  const cls: ClsTerm = { ...defaults.cls, weight: num('clsWeight') ?? defaults.cls.weight };
  if (cls.kind === 'focal') {
    cls.alpha = num('alpha') ?? cls.alpha;
    cls.gamma = num('gamma') ?? cls.gamma;
  }
  if (cls.kind === 'softmax-ce') cls.backgroundWeight = num('backgroundWeight') ?? cls.backgroundWeight;
  const box = defaults.box.map((t): BoxTerm =>
    t.kind === 'l1'
      ? { ...t, weight: num('l1Weight') ?? t.weight, beta: num('l1Beta') ?? t.beta }
      : { ...t, weight: num('giouWeight') ?? t.weight },
  );
  return { ...defaults, cls, box };
}

const clsPartName = (t: ClsTerm): string => (t.kind === 'focal' ? 'focal' : 'ce');
const boxPartName = (t: BoxTerm): string => (t.kind === 'giou' ? 'giou' : t.beta > 0 ? 'smooth_l1' : 'l1');

function normaliserOf(kind: Normaliser, masks: LabelMasks): tf.Scalar {
  return countAtLeastOne(kind === 'positives' ? masks.positive : masks.valid);
}

function classificationTerm(term: ClsTerm, inputs: DetectionLossInputs, masks: LabelMasks): tf.Scalar {
  const { logits, labels } = inputs;
  if (term.kind === 'softmax-ce') {
    const classWeights = [...new Array<number>(inputs.numClasses).fill(1), term.backgroundWeight];
    if (term.normaliser === 'weighted-mean')
      return tf.mul(softmaxCrossEntropy(logits, labels, { classWeights, reduction: 'mean' }), term.weight) as tf.Scalar;
    const sum = softmaxCrossEntropy(logits, labels, { classWeights, reduction: 'sum' });
    return tf.div(tf.mul(sum, term.weight), normaliserOf(term.normaliser, masks)) as tf.Scalar;
  }
  // Sigmoid heads: the one-hot of the positive class, 0 elsewhere; ignored samples weigh 0.
  const rowWeights = masks.valid.expandDims(1);
  const sum =
    term.kind === 'focal'
      ? sigmoidFocalLoss(logits, masks.oneHot, {
          alpha: term.alpha,
          gamma: term.gamma,
          reduction: 'sum',
          weights: rowWeights,
        })
      : sigmoidCrossEntropy(logits, masks.oneHot, { reduction: 'sum', weights: rowWeights });
  return tf.div(tf.mul(sum, term.weight), normaliserOf(term.normaliser, masks)) as tf.Scalar;
}

function boxTerm(term: BoxTerm, inputs: DetectionLossInputs, masks: LabelMasks): tf.Scalar {
  let sum: tf.Tensor;
  if (term.kind === 'giou') {
    const { pred, target } = inputs.boxes!;
    sum = giouLoss(pred, target, { weights: masks.positive, reduction: 'sum' });
  } else {
    const { pred, target } = inputs.regression!;
    const options = { weights: masks.positive.expandDims(1), reduction: 'sum' as const };
    sum = term.beta > 0 ? smoothL1Loss(pred, target, term.beta, options) : l1Loss(pred, target, options);
  }
  return tf.div(tf.mul(sum, term.weight), normaliserOf(term.normaliser, masks)) as tf.Scalar;
}
