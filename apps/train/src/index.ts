/**
 * @apdet/train as a library: the registry of detectors, training runs driven by typed settings
 * and hooks (the CLI is a thin wrapper), the generic training step, and a run folder's files.
 */
export { detectorNames, detectorSpec, describeDetectors } from './detectors.js';
export { runTraining, trainingJobFromFlags, type TrainingJob, type TrainingOptions, type RunOutput } from './run.js';
export { DEFAULT_IO, SILENT_IO, type RunIo } from './run-io.js';
export type { TrainingHooks, StepInfo, EvalInfo } from './hooks.js';
export { TrainingDivergedError, TrainingInterruptedError } from './errors.js';
export { watchStopSignals, STOP_SIGNALS, type StopSignals } from './stop-signals.js';
export { userCwd, resolveUserPath, withUserPaths } from './user-paths.js';
export { checkOutputPath, sameFile, writing, describeWriteError, type OutputKind } from './output-paths.js';
export { takeRunFolder, RUN_LOCK, type RunFolder } from './run-folder.js';
export { missingValClasses, missingClassesNote } from './val-categories.js';
export { fingerprintOf, describeDataChange, type DataFingerprint } from './data-fingerprint.js';
export { parseFlags, withDefaultThreads, type TrainFlags } from './flags.js';
export {
  buildRunSettings,
  settingsFromFlags,
  lossOf,
  DEFAULT_DATA_DIR,
  DEFAULT_SAVE_EVERY_MINUTES,
  type RunSettings,
  type RunOptions,
} from './settings.js';
export { settingsForResume, RUN_DEFINING_FLAGS } from './resume.js';
export { readManifest, MANIFEST, type Manifest } from './manifest.js';
export { readMetrics, type Metric, type TrainMetric, type EvalMetric } from './metrics.js';
export { LATEST, BEST, loadState, hasLatest, type TrainState } from './checkpoints.js';
export { loadRun, type LoadedRun } from './load-run.js';
export { evaluateOnVal, evalJson, scoreSaturationWarning, type ValResult } from './evaluate.js';
export {
  datasetFiles,
  openValData,
  openTrainSet,
  openRunData,
  firstItems,
  pipelineFor,
  type DatasetFiles,
  type RunData,
  type ValData,
} from './data.js';
export { formatDuration } from './progress.js';
