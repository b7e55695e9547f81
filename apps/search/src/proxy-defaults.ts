/**
 * The default proxy task on the built-in shapes dataset, sized so that one proxy training
 * (training + evaluation, wasm, 1 thread) takes about a minute on one core. The measurement
 * behind these numbers is in the README ("Defaults and their cost"). The proxy's training config
 * is the detector's own (`DetectorSpec.search.proxyConfig`).
 */

export interface ProxyDefaults {
  /** Proxy-train images per proxy training. */
  trainImages: number;
  /** Proxy-val images the reward is measured on. */
  valImages: number;
  epochs: number;
  /**
   * Epochs of the warm-start training on proxy-train before round 1 (0: proxies train from
   * scratch); see proxy-pretrain.ts.
   */
  pretrainEpochs: number;
  /** The warm start's loss: a baseline, so the features owe nothing to any PAP form. */
  pretrainLoss: string;
}

export const DEFAULT_PROXY: ProxyDefaults = {
  trainImages: 1600,
  valImages: 200,
  epochs: 1,
  pretrainEpochs: 3,
  pretrainLoss: 'focal+l1',
};
