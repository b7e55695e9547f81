/**
 * ImageNet backbone weights for any detector with a torchvision-layout ResNet: the paper's
 * detectors start from torchvision's ImageNet ResNet-50 (docs/spec/paper-spec.md §10).
 */
import { existsSync } from 'node:fs';
import { UserError } from '@apdet/io';
import { loadTorchSafetensors, torchvisionResNetNames, type Module } from '@apdet/nn';

/**
 * Loads a safetensors file with torchvision's ResNet names and layouts into `backbone` (OIHW
 * kernels converted; `fc.*` skipped). Every backbone parameter must be present with the right
 * shape, so a ResNet-18 file given to a ResNet-50 config is an error, not a silent partial load.
 * Returns the number of tensors loaded.
 *
 * @example
 * const n = await loadTorchvisionBackbone(model.backbone, 'data/r50.safetensors');
 */
export async function loadTorchvisionBackbone(backbone: Module, file: string): Promise<number> {
  if (!existsSync(file)) {
    throw new UserError(
      `--pretrained / backbone.pretrained: ${file}: no such file (make one with packages/nn/tools/torch-to-safetensors.py)`,
    );
  }
  const report = await loadTorchSafetensors(file, backbone, { rename: torchvisionResNetNames() });
  return report.loaded.length;
}
