/**
 * The run's data: the dataset directory (the built-in shapes dataset by default), train and
 * val datasets (optionally the first n images), the pipelines for the config's input size,
 * loaders, and loader batches → the detector contract's {@link TrainBatch}.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '@apdet/io';
import {
  CocoDetectionDataset,
  DataLoader,
  ensureShapesDataset,
  pipelineByName,
  type Batch,
  type DetectionDataset,
  type Pipeline,
} from '@apdet/data';
import type { ClassInfo, DetectorConfigBase, TrainBatch } from '@apdet/detector';
import type { RunSettings } from './settings.js';

export interface DatasetFiles {
  trainAnnotations: string;
  trainImages: string;
  valAnnotations: string;
  valImages: string;
}

const LAYOUT = 'expected instances_train.json, instances_val.json, train/, val/';

/**
 * Resolves (and for the built-in dataset, generates) the dataset files; a missing one is a
 * UserError. `valOnly` checks only the val files (evaluating a trained run needs no train set).
 */
export async function datasetFiles(
  settings: Pick<RunSettings, 'data'>,
  log: (line: string) => void,
  options: { valOnly?: boolean } = {},
): Promise<DatasetFiles> {
  if (settings.data.builtIn) {
    if (!existsSync(settings.data.dir))
      log(`generating the shapes dataset in ${settings.data.dir} (first use, about 30 s)…`);
    // The built-in dataset is generated content: when an older apdet made it with other
    // defaults, it is replaced rather than refused.
    return ensureShapesDataset(settings.data.dir, {}, undefined, { onOutdated: 'regenerate', log });
  }
  const dir = settings.data.dir;
  if (!existsSync(dir)) throw new UserError(`--data ${dir}: no such directory (${LAYOUT})`);
  const files = {
    trainAnnotations: path.join(dir, 'instances_train.json'),
    trainImages: path.join(dir, 'train'),
    valAnnotations: path.join(dir, 'instances_val.json'),
    valImages: path.join(dir, 'val'),
  };
  const needed = options.valOnly ? [files.valAnnotations, files.valImages] : Object.values(files);
  for (const file of needed) {
    if (!existsSync(file)) throw new UserError(`--data ${dir}: missing ${path.basename(file)} (${LAYOUT})`);
  }
  return files;
}

/** The first `n` items of a dataset (n ≥ length = the whole dataset). */
export function firstItems(dataset: DetectionDataset, n: number | null): DetectionDataset {
  if (n === null || n >= dataset.length) return dataset;
  return {
    length: n,
    aspectRatio: (i) => dataset.aspectRatio(i),
    load: (i) => dataset.load(i),
    ...(dataset.source ? { source: (i: number) => dataset.source!(i) } : {}),
  };
}

/** Pipeline presets that do not resize (made for the built-in shapes images). */
const NO_RESIZE = /^shapes-/;

/** True when every image of the split already has the network's input size: nothing to resize. */
function fitsInput(dataset: CocoDetectionDataset, inputSize: readonly [number, number]): boolean {
  return dataset.index.images.every((im) => im.height === inputSize[0] && im.width === inputSize[1]);
}

/**
 * The config's train or test pipeline for a split: the `shapes-*` pipelines do not resize, so
 * where an image of the split does not already have the config's input size (a user's `--data`
 * of photos) they become `resize-train` / `resize-test` at that size (keep the ratio; flip and
 * photometric augmentation for training). Any other pipeline the config names is used as is.
 */
export function pipelineFor(
  config: DetectorConfigBase,
  which: 'train' | 'test',
  dataset: CocoDetectionDataset,
): Pipeline {
  const named = which === 'train' ? config.train.trainPipeline : config.train.testPipeline;
  const name = NO_RESIZE.test(named) && !fitsInput(dataset, config.inputSize) ? `resize-${which}` : named;
  return pipelineByName(name, config.inputSize);
}

export interface ValData {
  val: CocoDetectionDataset;
  /** Val images actually evaluated (all, or the first --val-images). */
  valSubset: DetectionDataset;
  valPipeline: Pipeline;
}

export interface RunData extends ValData {
  train: CocoDetectionDataset;
  trainLoader: DataLoader;
}

/** Opens the training set alone (its categories are the model's classes). */
export async function openTrainSet(files: DatasetFiles): Promise<CocoDetectionDataset> {
  const train = await CocoDetectionDataset.open(files.trainAnnotations, files.trainImages, { filterEmpty: true });
  if (train.length === 0) throw new UserError(`${files.trainAnnotations}: no training image has a box`);
  return train;
}

/** The class list of a training set: label i is its i-th category. */
export function classesOf(dataset: CocoDetectionDataset): ClassInfo[] {
  return dataset.index.categories.map((c) => ({ id: c.id, name: c.name }));
}

/** Opens the val split for a run's config. */
export async function openValData(settings: RunSettings, files: DatasetFiles): Promise<ValData> {
  const val = await CocoDetectionDataset.open(files.valAnnotations, files.valImages);
  return {
    val,
    valSubset: firstItems(val, settings.valImages),
    valPipeline: pipelineFor(settings.config, 'test', val),
  };
}

/** Opens both splits and the training loader (seeded; batches depend only on seed, epoch, step). */
export async function openRunData(
  settings: RunSettings,
  files: DatasetFiles,
  train: CocoDetectionDataset,
): Promise<RunData> {
  const c = settings.config;
  const trainSubset = firstItems(train, settings.trainImages);
  const trainLoader = new DataLoader(trainSubset, pipelineFor(c, 'train', train), {
    batchSize: c.train.batchSize,
    seed: settings.seed,
    dropLast: trainSubset.length >= c.train.batchSize,
    prefetch: 2,
  });
  return { train, trainLoader, ...(await openValData(settings, files)) };
}

/** A loader batch as the detector contract wants it (the caller disposes `images`). */
export function toTrainBatch(batch: Batch): TrainBatch {
  return {
    images: tf.tensor4d(batch.images, batch.shape),
    annotations: batch.boxes.map((boxes, i) => ({
      boxes,
      labels: batch.labels[i],
      crowdBoxes: batch.ignoreBoxes[i],
      validShape: [batch.metas[i].validHeight, batch.metas[i].validWidth] as const,
    })),
  };
}
