/**
 * The run's data: the dataset directory (the built-in shapes dataset by default), train and
 * val datasets (optionally the first n images), loaders, and batches → model inputs.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '@apdet/io';
import { CocoDetectionDataset, DataLoader, ensureShapesDataset, PIPELINE_PRESETS, type Batch, type DetectionDataset, type Pipeline, type PipelineSpec } from '@apdet/data';
import type { TrainBatch } from '@apdet/retinanet';
import type { RunSettings } from './settings.js';

export interface DatasetFiles {
  trainAnnotations: string;
  trainImages: string;
  valAnnotations: string;
  valImages: string;
}

/** Resolves (and for the built-in dataset, generates) the dataset files; a missing one is a UserError. */
export async function datasetFiles(settings: RunSettings, log: (line: string) => void): Promise<DatasetFiles> {
  if (settings.data.builtIn) {
    if (!existsSync(settings.data.dir)) log(`generating the shapes dataset in ${settings.data.dir} (first use, about 30 s)…`);
    // The built-in dataset is generated content: when an older apdet made it with other
    // defaults, it is replaced rather than refused.
    return ensureShapesDataset(settings.data.dir, {}, undefined, { onOutdated: 'regenerate', log });
  }
  const dir = settings.data.dir;
  if (!existsSync(dir)) throw new UserError(`--data ${dir}: no such directory (expected instances_train.json, instances_val.json, train/, val/)`);
  const files = {
    trainAnnotations: path.join(dir, 'instances_train.json'),
    trainImages: path.join(dir, 'train'),
    valAnnotations: path.join(dir, 'instances_val.json'),
    valImages: path.join(dir, 'val'),
  };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) throw new UserError(`--data ${dir}: missing ${path.basename(file)} (expected instances_train.json, instances_val.json, train/, val/)`);
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

export function pipelineByName(name: string): Pipeline {
  const make = PIPELINE_PRESETS[name as PipelineSpec['preset']];
  if (make === undefined) throw new UserError(`config: unknown pipeline '${name}'; available: ${Object.keys(PIPELINE_PRESETS).join(', ')}`);
  return make();
}

export interface RunData {
  train: CocoDetectionDataset;
  val: CocoDetectionDataset;
  trainLoader: DataLoader;
  /** Val images actually evaluated (all, or the first --val-images). */
  valSubset: DetectionDataset;
  valPipeline: Pipeline;
}

/** Opens both splits and the training loader (seeded; batches depend only on seed, epoch, step). */
export async function openRunData(settings: RunSettings, files: DatasetFiles): Promise<RunData> {
  const c = settings.config;
  const train = await CocoDetectionDataset.open(files.trainAnnotations, files.trainImages, { filterEmpty: true });
  const val = await CocoDetectionDataset.open(files.valAnnotations, files.valImages);
  if (train.index.numClasses !== c.numClasses) {
    throw new UserError(`${files.trainAnnotations}: ${train.index.numClasses} categories but the config has numClasses ${c.numClasses} (set "numClasses" in a --config file)`);
  }
  if (train.length === 0) throw new UserError(`${files.trainAnnotations}: no training image has a box`);
  const trainSubset = firstItems(train, settings.trainImages);
  const trainLoader = new DataLoader(trainSubset, pipelineByName(c.train.trainPipeline), { batchSize: c.train.batchSize, seed: settings.seed, dropLast: trainSubset.length >= c.train.batchSize, prefetch: 2 });
  return { train, val, trainLoader, valSubset: firstItems(val, settings.valImages), valPipeline: pipelineByName(c.train.testPipeline) };
}

/** A loader batch as RetinaNet's train step wants it (the caller disposes `images`). */
export function toTrainBatch(batch: Batch): TrainBatch {
  return {
    images: tf.tensor4d(batch.images, batch.shape),
    annotations: batch.boxes.map((boxes, i) => ({
      boxes,
      labels: batch.labels[i]!,
      crowdBoxes: batch.ignoreBoxes[i]!,
      validShape: [batch.metas[i]!.validHeight, batch.metas[i]!.validWidth] as const,
    })),
  };
}
