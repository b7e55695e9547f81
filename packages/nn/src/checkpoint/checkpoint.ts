import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { UserError, atomicWriteFile, describeFsError } from '@apdet/io';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { decodeSafetensors, encodeSafetensors, type NamedArray, type SafetensorsContent } from './safetensors.js';
import { loadStateDict, stateDict, type LoadStateOptions, type LoadStateReport } from './state-dict.js';

/** Name of our `__metadata__` entry (a JSON string) and the prefix of optimiser slots. */
const META_KEY = 'apdet';
const OPTIM_PREFIX = 'optimizer.';
const FORMAT = 'apdet-nn-checkpoint/1';

export interface SaveCheckpointOptions {
  optimizer?: Optimizer;
  /** Any JSON (iteration counter, epoch, config…), returned by {@link loadCheckpoint}. */
  extra?: unknown;
}

/**
 * Writes the model's parameters and buffers (under their dotted names, our layout) and, if given,
 * the optimiser's slots (`optimizer.<param>.<slot>`) and scalars to a safetensors file,
 * atomically (temp file + fsync + rename). The `__metadata__.apdet` entry holds a JSON string
 * with the format tag, the optimiser scalars and `extra`.
 */
export async function saveCheckpoint(file: string, module: Module, options: SaveCheckpointOptions = {}): Promise<void> {
  const tensors = stateDict(module);
  let optimizerScalars: Record<string, unknown> | null = null;
  if (options.optimizer) {
    const state = options.optimizer.state();
    for (const [name, t] of state.tensors) {
      tensors.set(OPTIM_PREFIX + name, { shape: [...t.shape], data: t.dataSync() as Float32Array });
    }
    optimizerScalars = state.scalars;
  }
  const meta = { format: FORMAT, layout: 'nhwc', optimizer: optimizerScalars, extra: options.extra ?? null };
  await atomicWriteFile(file, encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) }));
}

/** Reads and parses a safetensors file; errors name the file. */
export async function readSafetensors(file: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(`${file}: ${describeFsError(error)}`, { cause: error });
  }
  return decodeSafetensors(bytes, file);
}

export interface LoadCheckpointOptions {
  optimizer?: Optimizer;
  /** Default true: every model parameter must be present and nothing else (besides optimiser slots). */
  strict?: boolean;
}

/**
 * Restores a checkpoint written by {@link saveCheckpoint} into `module` (and `optimizer`);
 * returns the saved `extra`. Errors name the file and the offending tensor.
 */
export async function loadCheckpoint(
  file: string,
  module: Module,
  options: LoadCheckpointOptions = {},
): Promise<{ extra: unknown; report: LoadStateReport }> {
  const content = await readSafetensors(file);
  const meta = parseMeta(content.metadata, file);
  const modelTensors = new Map<string, NamedArray>();
  const optimTensors = new Map<string, NamedArray>();
  for (const [name, t] of content.tensors) {
    if (name.startsWith(OPTIM_PREFIX)) optimTensors.set(name.slice(OPTIM_PREFIX.length), t);
    else modelTensors.set(name, t);
  }
  const report = loadStateDict(module, modelTensors, { strict: options.strict ?? true, source: file });
  if (options.optimizer) {
    if (!meta.optimizer) throw new UserError(`${file}: the checkpoint holds no optimiser state`);
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, t] of optimTensors) tensors.set(name, tf.tensor(t.data, t.shape, 'float32'));
    try {
      options.optimizer.loadState({ tensors, scalars: meta.optimizer }, file);
    } finally {
      tf.dispose([...tensors.values()]);
    }
  }
  return { extra: meta.extra, report };
}

/**
 * Loads weights converted from PyTorch (e.g. a torchvision ResNet state dict, see
 * tools/torch-to-safetensors.py) into `module`: conv kernels OIHW → HWIO, linear [out, in] →
 * [in, out]; pass `rename: torchvisionResNetNames()` to drop `fc.*` and `num_batches_tracked`.
 */
export async function loadTorchSafetensors(
  file: string,
  module: Module,
  options: Omit<LoadStateOptions, 'layout' | 'source'> = {},
): Promise<LoadStateReport> {
  const content = await readSafetensors(file);
  return loadStateDict(module, content.tensors, { ...options, layout: 'torch', source: file });
}

interface CheckpointMeta {
  optimizer: Record<string, unknown> | null;
  extra: unknown;
}

function parseMeta(metadata: Record<string, string>, file: string): CheckpointMeta {
  const text = metadata[META_KEY];
  if (text === undefined) return { optimizer: null, extra: null };
  try {
    const meta = JSON.parse(text) as { format?: string; optimizer?: Record<string, unknown> | null; extra?: unknown };
    if (meta.format !== FORMAT) throw new Error(`unknown format ${JSON.stringify(meta.format)}`);
    return { optimizer: meta.optimizer ?? null, extra: meta.extra ?? null };
  } catch (error) {
    throw new UserError(`${file}: invalid __metadata__.${META_KEY} (${(error as Error).message})`);
  }
}
