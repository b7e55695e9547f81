/**
 * @apdet/search-app as a library: the proxy task (what a worker runs for one sampled loss),
 * the proxy split, the search command and its plots.
 */
export { runProxyJob, PROXY_LOSS, type ProxyTaskSettings } from './proxy-task.js';
export {
  ensureProxySplit,
  proxySplitSpec,
  PROXY_RATIO,
  type ProxySplitSpec,
  type ProxySplitInfo,
} from './proxy-data.js';
export { DEFAULT_PROXY, type ProxyDefaults } from './proxy-defaults.js';
export { CollapseCounter, COLLAPSE_LIMIT, COLLAPSE_TOLERANCE } from './collapse-rule.js';
export {
  parseCommandLine,
  parseSearchFlags,
  parseWorkerFlags,
  USAGE,
  DEFAULT_ROUNDS,
  DEFAULT_SAMPLES,
  DEFAULT_SEARCH_SEED,
  type SearchFlags,
  type WorkerFlags,
} from './flags.js';
export {
  searchCommand,
  proxyTaskFromFlags,
  defaultSearchDir,
  PROXY_TASK_MODULE,
  type SearchIo,
} from './search-command.js';
export { workerCommand } from './worker-command.js';
export {
  rewardChartSpec,
  functionsChartSpec,
  functionCurve,
  ctrlPointsOfMu,
  headCurvesOfMu,
  pickSnapshots,
  writeSearchPlots,
  REWARD_PLOT,
  FUNCTIONS_PLOT,
  type HeadCurves,
} from './plots.js';
