/**
 * @apdet/train as a library: run training programmatically (the CLI is a thin wrapper), and
 * read a run folder's files.
 */
export { runTraining, DEFAULT_IO, type RunIo, type RunOutput } from './run.js';
export { parseFlags, USAGE, DETECTORS, type TrainFlags, type DetectorName } from './flags.js';
export { settingsFromFlags, settingsForResume, lossOf, type RunSettings } from './settings.js';
export { readManifest, MANIFEST, type Manifest } from './manifest.js';
export { readMetrics, type Metric, type TrainMetric, type EvalMetric } from './metrics.js';
export { LATEST, BEST, loadState, type TrainState } from './checkpoints.js';
export { loadRun, type LoadedRun } from './load-run.js';
export { evaluateOnVal, evalJson, scoreSaturationWarning, type ValResult } from './evaluate.js';
export { datasetFiles, openRunData, firstItems, type DatasetFiles, type RunData } from './data.js';
export { formatDuration } from './progress.js';
