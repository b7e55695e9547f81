/**
 * @apdet/report: a training run's report (loss and val AP charts, per-class PR curves,
 * predictions drawn on val images, summary.md), and `renderVegaLiteToPng` for any chart.
 */
export { renderVegaLiteToPng, renderVegaLiteToSvg, type RenderOptions, type RenderedPng } from './render.js';
export { canRenderText, prepareFonts, BUNDLED_FONTS_CONF, NO_FONT_MESSAGE } from './fonts.js';
export { writeRunReport, REPORT_FILES, type RunReportInput, type RunReportResult } from './write-report.js';
export { writeRunReportFromFiles, type RunReportFiles } from './from-files.js';
export {
  parseMetricsJsonl,
  isEvalRecord,
  isTrainRecord,
  type MetricRecord,
  type TrainRecord,
  type EvalRecord,
} from './metrics.js';
export {
  lossSeries,
  valApSeries,
  lossChartSpec,
  valApChartSpec,
  prChartSpec,
  type LossPoint,
  type ApPoint,
} from './charts.js';
export { prSeries, type PrPoint, type PrSelection } from './pr.js';
export {
  overlaySvg,
  drawImage,
  classColor,
  CLASS_COLORS,
  type DrawnPrediction,
  type OverlayOptions,
  type DrawImageInput,
} from './overlay.js';
export {
  writePredictionGrid,
  boxesForImage,
  MAX_PREDICTION_IMAGES,
  type PredictionGridOptions,
  type DrawThreshold,
} from './predictions.js';
export {
  classThresholds,
  describeThreshold,
  FALLBACK_SCORE_THRESHOLD,
  type ScoreThreshold,
  type ClassThreshold,
} from './threshold.js';
export { summaryMarkdown, formatStat, COCO_STAT_NAMES, type SummaryInput, type SummaryLinks } from './summary.js';
export type {
  ReportEvaluation,
  RunFacts,
  PredictionInput,
  ImageInfo,
  GroundTruthBox,
  DetectionBox,
  CocoBox,
} from './types.js';
