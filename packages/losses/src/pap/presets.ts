import { UserError } from '@apdet/io';

/** One released set of searched functions plus its box-branch gradient scale. */
export interface PapPreset {
  /** Registry-style name. */
  readonly name: PapPresetName;
  readonly description: string;
  /** Rows `[H2, I2, I3, I1, H1]`, 12 numbers each, x/y interleaved (docs/spec/paper-spec.md §4.4). */
  readonly ctrlPoints: readonly (readonly number[])[];
  /** `reg_weight` of the config: the GradScale factor w for the box branch. */
  readonly gradScale: number;
  /** Where the numbers come from in the official repository. */
  readonly source: string;
}

export type PapPresetName = 'retinanet' | 'faster-rcnn-rpn' | 'faster-rcnn-roi';

/** The function order of a control-point matrix, as in the official `paploss`. */
export const PAP_FUNCTION_ORDER = ['H2', 'I2', 'I3', 'I1', 'H1'] as const;

const REPO = 'fundamentalvision/Parameterized-AP-Loss@e0ab2ff';

/** RetinaNet R50-FPN (`configs/paploss/paploss_retinanet_r50_fpn.py`, lines 14–19). */
export const RETINANET_PRESET: PapPreset = {
  name: 'retinanet',
  description: 'RetinaNet R50-FPN, searched on COCO (40.5 AP in the official README)',
  ctrlPoints: [
    [0, 0, 0.4182, 0.0277, 0.4948, 0.2187, 0.6882, 0.2624, 0.802, 0.6688, 1, 1],
    [0, 0, 0.1279, 0.3696, 0.3056, 0.4708, 0.5198, 0.529, 0.6983, 0.6709, 1, 1],
    [0, 0, 0.0931, 0.0289, 0.3607, 0.5585, 0.4823, 0.7131, 0.6291, 0.8162, 1, 1],
    [0, 0, 0.4914, 0.1499, 0.5492, 0.1664, 0.6259, 0.3051, 0.7945, 0.6195, 1, 1],
    [0, 0, 0.413, 0.0798, 0.4356, 0.3571, 0.5361, 0.7063, 0.8097, 0.9083, 1, 1],
  ],
  gradScale: 4.1231,
  source: `${REPO} configs/paploss/paploss_retinanet_r50_fpn.py:14-19`,
};

/** Faster R-CNN R50-FPN, RPN head (`configs/paploss/paploss_fasterrcnn_r50_fpn.py`, 20–25). */
export const FASTER_RCNN_RPN_PRESET: PapPreset = {
  name: 'faster-rcnn-rpn',
  description: 'Faster R-CNN R50-FPN, RPN head (42.0 AP together with the RoI preset)',
  ctrlPoints: [
    [0, 0, 0.9058, 0.0484, 0.9068, 0.512, 0.9232, 0.7286, 0.9766, 0.9677, 1, 1],
    [0, 0, 0.32, 0.1084, 0.3493, 0.2482, 0.4924, 0.3869, 0.7231, 0.651, 1, 1],
    [0, 0, 0.0935, 0.0419, 0.2177, 0.1168, 0.5857, 0.3748, 0.7962, 0.6683, 1, 1],
    [0, 0, 0.0045, 0.3599, 0.1295, 0.4603, 0.7662, 0.514, 0.8483, 0.5259, 1, 1],
    [0, 0, 0.1764, 0.1081, 0.5245, 0.4907, 0.6956, 0.5668, 0.7642, 0.8645, 1, 1],
  ],
  gradScale: 1.695,
  source: `${REPO} configs/paploss/paploss_fasterrcnn_r50_fpn.py:20-25`,
};

/** Faster R-CNN R50-FPN, RoI head (`configs/paploss/paploss_fasterrcnn_r50_fpn.py`, 32–37). */
export const FASTER_RCNN_ROI_PRESET: PapPreset = {
  name: 'faster-rcnn-roi',
  description: 'Faster R-CNN R50-FPN, RoI (box) head',
  ctrlPoints: [
    [0, 0, 0.3344, 0.0268, 0.546, 0.2461, 0.8196, 0.6466, 0.9467, 0.8617, 1, 1],
    [0, 0, 0.0978, 0.2019, 0.4073, 0.3367, 0.6337, 0.4689, 0.7708, 0.6633, 1, 1],
    [0, 0, 0.2406, 0.0515, 0.3358, 0.5259, 0.6047, 0.6647, 0.8575, 0.7792, 1, 1],
    [0, 0, 0.2574, 0.2363, 0.5442, 0.5999, 0.7165, 0.6548, 0.8728, 0.8331, 1, 1],
    [0, 0, 0.1551, 0.2675, 0.4902, 0.3957, 0.7245, 0.5095, 0.8068, 0.872, 1, 1],
  ],
  gradScale: 7.1324,
  source: `${REPO} configs/paploss/paploss_fasterrcnn_r50_fpn.py:32-37`,
};

/** All released presets by name. */
export const PAP_PRESETS: Readonly<Record<PapPresetName, PapPreset>> = {
  retinanet: RETINANET_PRESET,
  'faster-rcnn-rpn': FASTER_RCNN_RPN_PRESET,
  'faster-rcnn-roi': FASTER_RCNN_ROI_PRESET,
};

/** Looks a preset up by name; the error lists the valid names. */
export function getPapPreset(name: string): PapPreset {
  const preset = (PAP_PRESETS as Record<string, PapPreset | undefined>)[name];
  if (preset === undefined) {
    throw new UserError(`unknown PAP preset '${name}'; expected one of: ${Object.keys(PAP_PRESETS).join(', ')}`);
  }
  return preset;
}

/** A mutable copy of a preset's control points, in the shape `ctrlPoints` options take. */
export function presetCtrlPoints(preset: PapPreset): number[][] {
  return preset.ctrlPoints.map((row) => [...row]);
}
