/**
 * Zero gradients for comparison and logical ops.
 *
 * Their outputs are piecewise constant, so the gradient is zero almost everywhere. tfjs
 * registers none for most of them, so any loss that builds a mask from a taped tensor
 * (smooth-L1 via `where(less(abs(x), β), …)`, IoU thresholds, …) throws without these.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceGradient } from './registry.js';

export const COMPARISON_KERNELS = ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'] as const;
export const LOGICAL_KERNELS = ['LogicalAnd', 'LogicalOr'] as const;

/** Registers zero gradients for the binary comparison/logical ops and LogicalNot. */
export function registerComparisonGradients(): void {
  for (const kernelName of [...COMPARISON_KERNELS, ...LOGICAL_KERNELS]) {
    replaceGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved;
        return { a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) };
      },
    });
  }
  replaceGradient({
    kernelName: 'LogicalNot',
    inputsToSave: ['x'],
    gradFunc: (_dy, saved) => ({ x: () => tf.zeros(saved[0].shape) }),
  });
}
