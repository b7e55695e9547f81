import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { Linear } from './linear.js';

export interface MultiheadAttentionOptions {
  embedDim: number;
  numHeads: number;
  /** Key/value input width; default embedDim. */
  kdim?: number;
  vdim?: number;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), batch-first:
 * query [B, L, E], key [B, S, Ek], value [B, S, Ev] → [B, L, E].
 * Projections are separate Linears named `q_proj`, `k_proj`, `v_proj`, `out_proj` (PyTorch
 * packs the first three into `in_proj_weight`; split it along dim 0 to import). The key is
 * transposed explicitly before the matMul because matMul's transpose flags are ~10× slower on
 * wasm. No dropout (detection transformers can add it outside; it keeps runs deterministic).
 */
export class MultiheadAttention extends Module {
  readonly qProj: Linear;
  readonly kProj: Linear;
  readonly vProj: Linear;
  readonly outProj: Linear;
  readonly numHeads: number;
  readonly headDim: number;

  constructor(options: MultiheadAttentionOptions) {
    super();
    const { embedDim: e, numHeads: h } = options;
    if (e % h !== 0) throw new Error(`MultiheadAttention: embedDim ${e} not divisible by numHeads ${h}`);
    this.numHeads = h;
    this.headDim = e / h;
    this.qProj = this.child('q_proj', new Linear({ inFeatures: e, outFeatures: e }));
    this.kProj = this.child('k_proj', new Linear({ inFeatures: options.kdim ?? e, outFeatures: e }));
    this.vProj = this.child('v_proj', new Linear({ inFeatures: options.vdim ?? e, outFeatures: e }));
    this.outProj = this.child('out_proj', new Linear({ inFeatures: e, outFeatures: e }));
  }

  /**
   * @param keyPaddingMask optional [B, S] tensor, 1 (or true) where the key is padding and must
   *   receive no attention.
   */
  forward(query: tf.Tensor, key: tf.Tensor, value: tf.Tensor, keyPaddingMask?: tf.Tensor): tf.Tensor {
    const b = query.shape[0];
    const l = query.shape[1] as number;
    const s = key.shape[1] as number;
    const { numHeads: h, headDim: d } = this;
    const q = this.qProj.forward(query).reshape([b, l, h, d]).transpose([0, 2, 1, 3]); // B H L D
    const kT = this.kProj.forward(key).reshape([b, s, h, d]).transpose([0, 2, 3, 1]); // B H D S
    const v = this.vProj.forward(value).reshape([b, s, h, d]).transpose([0, 2, 1, 3]); // B H S D
    let scores = tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(d)); // B H L S
    if (keyPaddingMask) {
      // −1e9 instead of −∞ so a fully masked row gives a uniform (finite) softmax, not NaN.
      const bias = tf.mul(keyPaddingMask.toFloat().reshape([b, 1, 1, s]), -1e9);
      scores = tf.add(scores, bias);
    }
    const attn = tf.softmax(scores, -1);
    const out = tf
      .matMul(attn, v)
      .transpose([0, 2, 1, 3])
      .reshape([b, l, h * d]);
    return this.outProj.forward(out);
  }
}
