// Public API of @apdet/search.
export * from './contract.js';
export { erf, erfc, erfcx, erfinv, normPdf, normLogPdf, normCdf, logNormCdf, normMass } from './special.js';
export {
  FLOAT32_EPS,
  sampleTruncatedNormal,
  truncatedNormalLogProb,
  truncatedNormalLogProbGradMu,
  logProbAndGradLogit,
  sigmoid,
  logit,
} from './truncated-normal.js';
export { adamStep, createAdamState, type AdamSettings, type AdamState } from './adam.js';
export {
  DEFAULT_PPO,
  ppoLrMultiplier,
  advantages,
  logProbTable,
  ppoObjective,
  ppoUpdate,
  type PpoSettings,
  type PpoBatch,
  type PpoObjective,
  type PpoUpdateResult,
} from './ppo.js';
export { nextSigma, scheduledSigma, drawThetas } from './policy.js';
export { proxySeed } from './rng.js';
export {
  RETINANET_SPACE,
  searchSpaceFor,
  FASTER_RCNN_SPACE,
  SEARCH_SPACES,
  getSearchSpace,
  spaceLayout,
  spaceDims,
  identityFunctionMu,
  initialMu,
  validateSearchSpace,
  type SearchSpace,
  type SearchHead,
  type HeadSlice,
  type PapFunctionName,
} from './search-space.js';
export {
  SEARCHED_LOSS,
  thetaToLossParams,
  lossParamsToTheta,
  type PapLossParams,
  type PapHeadParams,
} from './loss-params.js';
export {
  STATE_FILE,
  STATE_FORMAT,
  STATE_VERSION,
  stateFile,
  hasSearchState,
  loadSearchState,
  saveSearchState,
  assertSameSettings,
  type SearchSettings,
  type SearchState,
  type SampleRecord,
  type RoundInProgress,
  type RoundRecord,
  type RewardStats,
} from './state.js';
export {
  ROUNDS_FILE,
  FINAL_PARAMS_FILE,
  roundLine,
  writeRoundsFile,
  finalParams,
  writeFinalParams,
  type RoundLine,
} from './outputs.js';
export {
  DEFAULT_ROUNDS,
  DEFAULT_SAMPLES,
  DEFAULT_SEARCH_SEED,
  DEFAULT_SIGMA0,
  runSearch,
  resolveSearchSettings,
  proxyJobFor,
  rewardStats,
  type RunSearchOptions,
  type SearchResult,
  type SampleEvent,
} from './run-search.js';
export * from './runners/index.js';
