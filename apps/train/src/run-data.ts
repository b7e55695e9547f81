/**
 * A run's data, opened and checked before any training: the dataset files, the training set
 * (whose categories are the model's classes), the batch size against its size, the val set's
 * categories against the model's classes, and, on `--resume`, the training set's fingerprint
 * against the one the run started on. Every problem is one line, before the backend starts.
 */
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '@apdet/io';
import type { DetectorSpec } from '@apdet/detector';
import { checkDataUnchanged, fingerprintOf, type DataFingerprint } from './data-fingerprint.js';
import {
  classesOf,
  datasetFiles,
  firstItems,
  openRunData,
  openTrainSet,
  type DatasetFiles,
  type RunData,
} from './data.js';
import type { Manifest } from './manifest.js';
import type { RunSettings } from './settings.js';
import { missingClassesNote, missingValClasses } from './val-categories.js';

export interface CheckedRunData {
  /** The settings with the model's classes (and the class count of the config) filled in. */
  settings: RunSettings;
  files: DatasetFiles;
  data: RunData;
  fingerprint: DataFingerprint;
  /** How the training set changed since the run started (`--allow-data-change`), or null. */
  dataChange: string | null;
}

/** The run's config sized for the training set's classes (their count and names come from its categories). */
function withClasses(
  spec: DetectorSpec,
  settings: RunSettings,
  train: Awaited<ReturnType<typeof openTrainSet>>,
  files: DatasetFiles,
  log: (line: string) => void,
): RunSettings {
  const classes = classesOf(train);
  if (classes.length === settings.config.numClasses) return { ...settings, classes };
  log(
    `${classes.length} classes from ${files.trainAnnotations} (the config had ${settings.config.numClasses}): ${classes.map((c) => c.name).join(', ')}`,
  );
  const config = spec.resolveConfig(settings.config, { numClasses: classes.length }, files.trainAnnotations);
  return { ...settings, config, classes };
}

/**
 * A batch larger than the training set never occurs: every epoch would be one short batch, with
 * the lr scaled (linear rule) for the larger one, and the run collapses.
 */
function checkBatchSize(settings: RunSettings, trainImages: number, files: DatasetFiles): void {
  const batch = settings.config.train.batchSize;
  if (batch <= trainImages) return;
  const source = settings.configSource.includes('--batch')
    ? `--batch ${batch}`
    : `the batch size ${batch} (config ${settings.configSource})`;
  const subset = settings.trainImages !== null ? `, --train-images ${settings.trainImages}` : '';
  throw new UserError(
    `${source} is larger than the training set (${trainImages} images with boxes in ${files.trainAnnotations}${subset}); ` +
      `use --batch ${trainImages} or less`,
  );
}

/**
 * Opens and checks the data of a new run (`resumeFrom` null) or of the run being continued.
 * `allowDataChange`: `--allow-data-change` (continue on a changed training set).
 */
export async function openCheckedRunData(
  spec: DetectorSpec,
  settings: RunSettings,
  resumeFrom: Manifest | null,
  options: { runDir: string; allowDataChange: boolean; log: (line: string) => void },
): Promise<CheckedRunData> {
  const files = await datasetFiles(settings, options.log);
  const trainSet = await openTrainSet(files);
  if (resumeFrom === null) settings = withClasses(spec, settings, trainSet, files, options.log);
  else if (!isDeepStrictEqual(classesOf(trainSet), settings.classes)) {
    throw new UserError(
      `--resume ${options.runDir}: the categories of ${files.trainAnnotations} differ from the run's classes (${settings.classes?.map((c) => c.name).join(', ')})`,
    );
  }
  checkBatchSize(settings, firstItems(trainSet, settings.trainImages).length, files);
  const fingerprint = await fingerprintOf(files.trainAnnotations, trainSet.length);
  const dataChange =
    resumeFrom === null
      ? null
      : checkDataUnchanged(options.runDir, resumeFrom.dataFingerprint, fingerprint, options.allowDataChange);
  if (dataChange !== null)
    options.log(`warning: the training set changed (${dataChange}); continuing (--allow-data-change)`);
  const data = await openRunData(settings, files, trainSet);
  try {
    const missing = missingValClasses(settings.classes!, data.val.index.categories, files.valAnnotations);
    const note = missingClassesNote(missing, files.valAnnotations);
    if (note !== null) options.log(note);
  } catch (error) {
    await data.trainLoader.close();
    throw error;
  }
  return { settings, files, data, fingerprint, dataChange };
}
