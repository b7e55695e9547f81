/**
 * Loading ImageNet backbone weights at the start of a run (`backbone.pretrained` /
 * `--pretrained`): the paper's detectors start from torchvision's ImageNet ResNet-50
 * (docs/spec/paper-spec.md §10).
 */
import type { Detector } from '@apdet/detector';

/**
 * Fills the detector's backbone from the config's pretrained file (the detector checks every
 * tensor). Warns when a frozen-BN backbone is trained without pretrained statistics.
 */
export async function loadPretrainedBackbone(model: Detector, log: (line: string) => void): Promise<void> {
  const { pretrained, norm } = model.config.backbone;
  if (pretrained === null) {
    if (norm === 'frozen-bn') {
      log(
        `warning: ${model.config.name} freezes BatchNorm statistics but has no backbone.pretrained weights; its BN layers stay at identity (give --pretrained <file>)`,
      );
    }
    return;
  }
  const loaded = await model.loadPretrainedBackbone(pretrained);
  log(`backbone: loaded ${loaded} tensors from ${pretrained}`);
}
