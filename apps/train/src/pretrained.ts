/**
 * Loading ImageNet backbone weights at the start of a run (`backbone.pretrained` /
 * `--pretrained`): the paper's detectors start from torchvision's ImageNet ResNet-50.
 */
import { existsSync } from 'node:fs';
import { UserError } from '@apdet/io';
import { loadTorchSafetensors, torchvisionResNetNames } from '@apdet/nn';
import type { RetinaNet } from '@apdet/retinanet';

/**
 * Fills `model.backbone` from the config's pretrained file (torchvision names and layouts:
 * OIHW kernels are converted; `fc.*` is skipped). Every backbone parameter must be present with
 * the right shape, so a ResNet-18 file given to a ResNet-50 config is an error, not a silent
 * partial load. Warns when a frozen-BN backbone is trained without pretrained statistics.
 */
export async function loadPretrainedBackbone(model: RetinaNet, log: (line: string) => void): Promise<void> {
  const { pretrained, norm } = model.config.backbone;
  if (pretrained === null) {
    if (norm === 'frozen-bn') log(`warning: ${model.config.name} freezes BatchNorm statistics but has no backbone.pretrained weights; its BN layers stay at identity (give --pretrained <file>)`);
    return;
  }
  if (!existsSync(pretrained)) throw new UserError(`--pretrained / backbone.pretrained: ${pretrained}: no such file (make one with packages/nn/tools/torch-to-safetensors.py)`);
  const report = await loadTorchSafetensors(pretrained, model.backbone, { rename: torchvisionResNetNames() });
  log(`backbone: loaded ${report.loaded.length} tensors from ${pretrained}`);
}
