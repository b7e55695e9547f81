import * as tf from '@tensorflow/tfjs';
import { UserError } from '@apdet/io';
import type { Module, ParamLayout, Parameter } from '../module.js';
import type { NamedArray } from './safetensors.js';

/** Reads every parameter and buffer of `module` (our layout: NHWC, HWIO kernels, [in, out] linears). */
export function stateDict(module: Module, prefix = ''): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, p] of module.namedParameters()) {
    out.set(prefix + name, { shape: [...p.shape], data: p.variable.dataSync() as Float32Array });
  }
  return out;
}

export interface LoadStateOptions {
  /** Array layout of the source: 'apdet' (ours, default) or 'torch' (OIHW conv, [out, in] linear). */
  layout?: 'apdet' | 'torch';
  /**
   * Maps a source tensor name to our parameter name, or null to skip it. Default: identity.
   * See {@link torchvisionResNetNames} and {@link torchvisionFpnNames}.
   */
  rename?: (sourceName: string) => string | null;
  /** When true (default), every parameter of `module` must be filled and no source tensor may be left over. */
  strict?: boolean;
  /** Names the source in error messages (e.g. the file path). */
  source?: string;
}

export interface LoadStateReport {
  loaded: string[];
  /** Our parameters the source did not provide (only when strict is false). */
  missing: string[];
  /** Source tensors that matched no parameter (after rename; only when strict is false). */
  unexpected: string[];
  /** Source tensors the rename function skipped. */
  skipped: string[];
}

/**
 * Copies tensors into `module`'s parameters by name. A shape mismatch, a missing parameter or an
 * unexpected tensor (when strict) is a {@link UserError} naming the tensor and the source.
 */
export function loadStateDict(
  module: Module,
  tensors: Map<string, NamedArray>,
  options: LoadStateOptions = {},
): LoadStateReport {
  const source = options.source ?? 'state dict';
  const rename = options.rename ?? ((n: string) => n);
  const params = new Map(module.namedParameters());
  const report: LoadStateReport = { loaded: [], missing: [], unexpected: [], skipped: [] };
  const pending: Array<[Parameter, NamedArray, string, string]> = [];
  for (const [sourceName, array] of tensors) {
    const target = rename(sourceName);
    if (target === null) {
      report.skipped.push(sourceName);
      continue;
    }
    const p = params.get(target);
    if (!p) {
      report.unexpected.push(sourceName);
      continue;
    }
    pending.push([p, array, target, sourceName]);
  }
  const loadedNames = new Set(pending.map(([, , target]) => target));
  report.missing = [...params.keys()].filter((n) => !loadedNames.has(n));
  if (options.strict ?? true) {
    if (report.missing.length > 0) {
      throw new UserError(
        `${source}: missing ${report.missing.length} tensor(s) for the model: ${preview(report.missing)}`,
      );
    }
    if (report.unexpected.length > 0) {
      throw new UserError(
        `${source}: ${report.unexpected.length} tensor(s) match no model parameter: ${preview(report.unexpected)}`,
      );
    }
  }
  // Validate everything before assigning anything, so a failed load leaves the model untouched.
  const converted = pending.map(([p, array, target, sourceName]) => {
    const value = options.layout === 'torch' ? fromTorchLayout(array, p.layout) : array;
    if (!sameShape(value.shape, p.shape)) {
      const shown = options.layout === 'torch' ? ` (converted from torch [${array.shape.join(', ')}])` : '';
      throw new UserError(
        `${source}: tensor "${sourceName}" has shape [${value.shape.join(', ')}]${shown}, but parameter "${target}" needs [${p.shape.join(', ')}]`,
      );
    }
    return [p, value, target] as const;
  });
  for (const [p, value, target] of converted) {
    tf.tidy(() => p.variable.assign(tf.tensor(value.data, value.shape, 'float32')));
    report.loaded.push(target);
  }
  return report;
}

function preview(names: string[]): string {
  return names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length - 8} more)` : '');
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Converts a PyTorch array to our layout: OIHW → HWIO for conv kernels, [out, in] → [in, out] for linears. */
export function fromTorchLayout(array: NamedArray, layout: ParamLayout): NamedArray {
  if (layout === 'conv-hwio' && array.shape.length === 4) return permute(array, [2, 3, 1, 0]);
  if (layout === 'linear-io' && array.shape.length === 2) return permute(array, [1, 0]);
  return array;
}

/** Converts one of our arrays to PyTorch's layout (the inverse of {@link fromTorchLayout}). */
export function toTorchLayout(array: NamedArray, layout: ParamLayout): NamedArray {
  if (layout === 'conv-hwio' && array.shape.length === 4) return permute(array, [3, 2, 0, 1]);
  if (layout === 'linear-io' && array.shape.length === 2) return permute(array, [1, 0]);
  return array;
}

/** Transposes a row-major array: output axis i is input axis `perm[i]`. */
function permute(array: NamedArray, perm: number[]): NamedArray {
  return tf.tidy(() => {
    const t = tf.tensor(array.data, array.shape, 'float32').transpose(perm);
    return { shape: t.shape, data: t.dataSync() as Float32Array };
  });
}

/**
 * Name map for a torchvision ResNet state dict: names already match ours; `fc.*` (the ImageNet
 * classifier) and `num_batches_tracked` are skipped. `targetPrefix` places the backbone inside a
 * larger model (e.g. `'backbone.body.'`).
 */
export function torchvisionResNetNames(targetPrefix = ''): (name: string) => string | null {
  return (name) => (name.startsWith('fc.') || name.endsWith('num_batches_tracked') ? null : targetPrefix + name);
}

/**
 * Name map for torchvision.ops.FeaturePyramidNetwork: its convs sit in Conv2dNormActivation
 * wrappers (`inner_blocks.0.0.weight`); ours are plain (`inner_blocks.0.weight`).
 */
export function torchvisionFpnNames(targetPrefix = ''): (name: string) => string | null {
  return (name) => targetPrefix + name.replace(/^(inner_blocks|layer_blocks)\.(\d+)\.0\./, '$1.$2.');
}
