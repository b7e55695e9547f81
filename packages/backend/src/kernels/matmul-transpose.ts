/**
 * BatchMatMul with transposeA/transposeB on wasm, as explicit transposes + a plain matMul.
 *
 * Why: the wasm BatchMatMul kernel is XNNPACK-fast (~25 GFLOP/s) only without transpose
 * flags; with either flag it runs at 0.7-2.7 GFLOP/s (docs/spec/platform.md §3). The stock matMul
 * GRADIENT uses exactly those flags (dA = dy·Bᵀ, dB = Aᵀ·dy), so every Linear layer and
 * attention product trains on the slow path. Copying the operand once in a transpose costs
 * O(n²) against the O(n³) product.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceGradient, replaceKernel } from './registry.js';

const STOCK_KEY = Symbol.for('@apdet/backend.stockWasmBatchMatMul');

function stockKernel(): tf.KernelFunc {
  const g = globalThis as unknown as Record<symbol, tf.KernelFunc | undefined>;
  if (!(STOCK_KEY in g)) g[STOCK_KEY] = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  const k = g[STOCK_KEY];
  if (k == null) throw new Error('BatchMatMul: the wasm backend has no stock kernel to wrap');
  return k;
}

function swapLastTwo(t: tf.Tensor): tf.Tensor {
  const perm = Array.from({ length: t.rank }, (_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/**
 * The BatchMatMul gradient. Same formulas as the stock one, plus the reduction over broadcast
 * batch dimensions that the stock one lacks (tfjs 4.22.0 throws "gradient of input 'b' has
 * shape [2,5,4] … input [1,5,4]" for a [2,3,4]·[1,5,4]ᵀ product, e.g. attention with a
 * shared key tensor).
 */
function batchMatMulGradient(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [a, b] = saved;
  const d = dy as tf.Tensor;
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const grads = (): [tf.Tensor, tf.Tensor] => {
    if (!transposeA && !transposeB) return [tf.matMul(d, b, false, true), tf.matMul(a, d, true, false)];
    if (!transposeA && transposeB) return [tf.matMul(d, b, false, false), tf.matMul(d, a, true, false)];
    if (transposeA && !transposeB) return [tf.matMul(b, d, false, true), tf.matMul(a, d, false, false)];
    return [tf.matMul(b, d, true, true), tf.matMul(d, a, true, true)];
  };
  return {
    a: () => sumToShape(grads()[0], a.shape),
    b: () => sumToShape(grads()[1], b.shape),
  };
}

/** Sums a gradient over the batch dimensions its input was broadcast along. */
function sumToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((v, i) => v === shape[i])) return g;
  const batchIn = shape.slice(0, -2);
  const batchOut = g.shape.slice(0, -2);
  const axes = tf.backend_util.getReductionAxes(batchIn, batchOut);
  const summed = axes.length > 0 ? tf.sum(g, axes) : g;
  return tf.reshape(summed, shape);
}

/** Replaces the BatchMatMul gradient (all backends; see batchMatMulGradient). */
export function registerBatchMatMulGradient(): void {
  replaceGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: batchMatMulGradient,
  });
}

/** Wraps the wasm BatchMatMul: flags become explicit transposes. */
export function registerWasmMatMulTranspose(): void {
  const stock = stockKernel();
  replaceKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return stock(args);
      const a = args.inputs.a as tf.Tensor;
      const b = args.inputs.b as tf.Tensor;
      return tf.tidy(() => tf.matMul(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b));
    },
  });
}
