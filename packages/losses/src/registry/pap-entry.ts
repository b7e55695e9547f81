import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import {
  DEFAULT_TOP_K,
  FASTER_RCNN_ROI_PRESET,
  FASTER_RCNN_RPN_PRESET,
  PAP_FUNCTION_ORDER,
  RETINANET_PRESET,
  gradScale,
  parameterizedApLoss,
  validateCtrlPoints,
  type PapForm,
  type PapPreset,
} from '../pap/index.js';
import { alignedIous } from '../baseline/box-iou.js';
import { PRIOR_PROBABILITY } from './baseline-table.js';
import { assertInputs, classScores, logitsCount } from './inputs.js';
import { labelMasks, targetsFromLabels } from './labels.js';
import { papSampler } from './samplers.js';
import {
  EMPTY_LOSS_PARAMS,
  describe,
  enumField,
  numberField,
  paramsForHead,
  type LossParams,
  type ParamField,
} from './loss-params.js';
import type {
  BoxCoderStds,
  ClassifierSpec,
  DetectionLoss,
  DetectionLossInputs,
  HeadKind,
  LossOutput,
} from './types.js';

/** The official code decodes positives around a unit anchor with these hard-coded stds (docs/spec/paper-spec.md §9.1, §9.2). */
export const PAP_BOX_CODER_STDS: BoxCoderStds = [0.1, 0.1, 0.2, 0.2];

export type PapName = 'param-ap' | 'param-ap:linear' | 'param-ap:square' | 'param-ap:sigmoid';

/** Localisation quality fed to the loss: u = (GIoU + 1)/2 (the paper's default `reg_input`) or IoU. */
export type QualityInput = 'giou' | 'iou';

/**
 * The released searched preset for each head kind (docs/spec/paper-spec.md §4.4). Deformable DETR has none (no
 * DETR code or search was released, docs/spec/paper-spec.md §9.3): it uses RetinaNet's, the other dense sigmoid
 * ranking over (query, class) pairs; pass `--loss-params` to use your own.
 */
export const PAP_PRESET_BY_HEAD: Readonly<Record<HeadKind, PapPreset>> = {
  retina: RETINANET_PRESET,
  rpn: FASTER_RCNN_RPN_PRESET,
  roi: FASTER_RCNN_ROI_PRESET,
  detr: RETINANET_PRESET,
};

/**
 * Classifier bias prior under the PAP loss: 0.01 for the anchor heads and DETR (docs/spec/paper-spec.md §9.1/9.2:
 * the PAP RPN uses it too), none for the RoI head (`fc_cls` bias 0, docs/spec/paper-spec.md §9.2).
 */
const PRIOR_BY_HEAD: Readonly<Record<HeadKind, number | null>> = {
  retina: PRIOR_PROBABILITY,
  rpn: PRIOR_PROBABILITY,
  roi: null,
  detr: PRIOR_PROBABILITY,
};

/** The hand-crafted forms have no searched scale: w = 1 (the search's starting point θ = 0.5). */
const HANDCRAFTED_GRAD_SCALE = 1;

export interface PapHeadSettings {
  form: PapForm;
  /** Rows [H2, I2, I3, I1, (H1)] for 'searched', else null. */
  ctrlPoints: number[][] | null;
  /** The released preset the control points / scale default to (null for the hand-crafted forms). */
  preset: string | null;
  /** Where overrides came from (the `--loss-params` file), or 'defaults'. */
  paramsSource: string;
  gradScale: number;
  topK: number;
  quality: QualityInput;
}

/** The `--loss-params` fields of a param-ap entry (control points only for the searched form). */
export function papParamFields(name: PapName): ParamField[] {
  const fields: ParamField[] = [
    numberField('gradScale', 'GradScale w on the box branch, > 0 (searched range 0.1–10)', { minExclusive: 0 }),
    numberField('topK', 'rows kept by the top-K of valid logits', { min: 1, integer: true }),
    enumField('quality', 'localisation quality: u = (GIoU+1)/2 or IoU', ['giou', 'iou']),
  ];
  if (formOf(name) === 'searched') fields.unshift(ctrlPointsField);
  return fields;
}

/**
 * `ctrlPoints`: 4 or 5 rows of control points, each checked by `validateCtrlPoints` (whose
 * message names the row, e.g. `row 2 (I3): y must be non-decreasing, …`); rows are copied.
 */
const ctrlPointsField: ParamField = {
  name: 'ctrlPoints',
  description: '4 or 5 rows [H2, I2, I3, I1, (H1)] of 8, 12 or 16 numbers, x/y interleaved',
  schema: z
    .array(z.unknown(), {
      error: (issue) => `expected 4 or 5 rows [H2, I2, I3, I1, (H1)], got ${describe(issue.input)}`,
    })
    .min(4)
    .max(5)
    .transform((rows, ctx) => {
      const problem = (message: string): never => {
        ctx.addIssue({ code: 'custom', message, input: rows });
        return z.NEVER;
      };
      return rows.map((row, i) => {
        const label = `row ${i} (${PAP_FUNCTION_ORDER[i]})`;
        if (!Array.isArray(row)) return problem(`${label}: expected an array of numbers, got ${describe(row)}`);
        try {
          validateCtrlPoints(row as number[], label);
        } catch (error) {
          return problem(error instanceof Error ? error.message : String(error));
        }
        return [...(row as number[])];
      });
    }),
};

function formOf(name: PapName): PapForm {
  return name === 'param-ap' ? 'searched' : (name.slice('param-ap:'.length) as PapForm);
}

/** Builds a Parameterized AP registry entry (docs/spec/paper-spec.md §9.1–9.3). */
export function createPapLoss(name: PapName, params: LossParams = EMPTY_LOSS_PARAMS): DetectionLoss {
  const form = formOf(name);
  const settingsFor = (head: HeadKind): PapHeadSettings => {
    const p = paramsForHead(params, head);
    const preset = PAP_PRESET_BY_HEAD[head];
    const ownCtrl = p['ctrlPoints'] as number[][] | undefined;
    const searched = form === 'searched';
    return {
      form,
      ctrlPoints: searched ? (ownCtrl ?? preset.ctrlPoints.map((row) => [...row])) : null,
      preset: searched ? preset.name : null,
      paramsSource: params.source,
      gradScale: (p['gradScale'] as number | undefined) ?? (searched ? preset.gradScale : HANDCRAFTED_GRAD_SCALE),
      topK: (p['topK'] as number | undefined) ?? DEFAULT_TOP_K,
      quality: (p['quality'] as QualityInput | undefined) ?? 'giou',
    };
  };
  const classifier = (head: HeadKind): ClassifierSpec => ({
    activation: 'sigmoid',
    priorProbability: PRIOR_BY_HEAD[head],
  });
  const loss: DetectionLoss = {
    name,
    summary: `Parameterized AP loss, ${form === 'searched' ? 'searched functions (paper preset per head)' : `${form} form`}; the only loss term`,
    needs: () => ({ boxes: true, regression: false }),
    classifier,
    sampler: papSampler,
    boxCoderStds: () => PAP_BOX_CODER_STDS,
    numLogits: (head, numClasses) => logitsCount(classifier(head), numClasses),
    scores: (head, logits) => classScores(classifier(head), logits),
    settings: (head) => ({ loss: name, headKind: head, ...settingsFor(head) }),
    compute: (inputs) => {
      assertInputs(loss, inputs);
      return papLoss(settingsFor(inputs.headKind), inputs);
    },
  };
  return loss;
}

/**
 * One head's PAP loss (docs/spec/paper-spec.md §9.1): GradScale on the predicted boxes (identity forward; every
 * gradient reaching the box branch is multiplied by w, the same as scaling at the head output
 * since decoding is box-only), u = (GIoU + 1)/2 of each positive with its GT, broadcast to its
 * class column, and the ranking over every (sample, class) pair. Computed densely over all N
 * rows and masked, so no scatter (which has no tfjs gradient) is needed.
 */
function papLoss(s: PapHeadSettings, inputs: DetectionLossInputs): LossOutput {
  return tf.tidy(() => {
    const { boxes, logits, labels, numClasses } = inputs;
    const pred = gradScale(boxes!.pred, s.gradScale);
    const { iou, giou } = alignedIous(pred, boxes!.target);
    const quality = s.quality === 'giou' ? tf.div(tf.add(giou, 1), 2) : iou;
    const ious = tf.mul(quality.expandDims(1), labelMasks(labels, numClasses).oneHot);
    const targets = targetsFromLabels(labels, numClasses);
    const pap = parameterizedApLoss(logits, ious, targets, {
      form: s.form,
      ...(s.ctrlPoints ? { ctrlPoints: s.ctrlPoints } : {}),
      topK: s.topK,
    });
    // Zero-positive batches: keep logits and boxes connected to the result (zero gradient),
    // as the official heads do with `0·Σcls + 0·Σbbox` (docs/spec/paper-spec.md §9.1).
    const total = tf.addN([pap, tf.mul(tf.sum(logits), 0), tf.mul(tf.sum(pred), 0)]) as tf.Scalar;
    return { total, parts: { pap: tf.add(total, 0) as tf.Scalar } };
  });
}
