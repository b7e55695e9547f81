// Shared checks of a scalar loss against its float64 reference: value, gradient vs float64
// finite differences of the reference, gradient vs float32 finite differences of the tfjs loss.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { expectClose, fdGradient64, fdGradientTf, tfGradient } from './reference.js';

/** Stated tolerances (see the package README, "Baseline losses and the registry"). */
export const TOLERANCES = {
  /** float32 tfjs value vs float64 reference: |a − e| ≤ 1e-5·|e| + 1e-6. */
  value: { rtol: 1e-5, atol: 1e-6 },
  /**
   * float32 tfjs gradient vs float64 central differences of the reference (h = 1e-6):
   * |a − e| ≤ 1e-4·|e| + 1e-6·max|e|.
   */
  gradRef: { rtol: 1e-4, relAtol: 1e-6 },
  /**
   * float32 tfjs gradient vs float32 central differences of the tfjs loss itself:
   * |a − e| ≤ 1e-2·|e| + 2e-3·max(1, max|e|).
   */
  gradFd32: { rtol: 1e-2, relAtol: 2e-3 },
} as const;

export interface ScalarLossCase {
  label: string;
  /** The differentiated input (flat, float32-representable) and its shape. */
  input: number[];
  shape: number[];
  /** The tfjs loss as a scalar function of that input (everything else fixed). */
  loss: (x: tf.Tensor) => tf.Scalar;
  /** The same loss in float64 plain JS. */
  reference: (x: number[]) => number;
  /** Finite-difference step of the float32 check (input units). */
  fdStep: number;
}

export function checkScalarLoss(c: ScalarLossCase): void {
  tf.tidy(() => {
    const x = tf.tensor(c.input, c.shape);
    const value = c.loss(x).dataSync()[0];
    expect(Number.isFinite(value), `${c.label}: value ${value}`).toBe(true);
    expectClose([value], [c.reference(c.input)], TOLERANCES.value, `${c.label} value`);

    const grad = tfGradient(c.loss, x);
    const ref = fdGradient64(c.reference, c.input);
    const refScale = Math.max(...ref.map(Math.abs));
    expectClose(
      grad,
      ref,
      { rtol: TOLERANCES.gradRef.rtol, atol: TOLERANCES.gradRef.relAtol * refScale },
      `${c.label} grad vs float64 reference`,
    );

    const fd32 = fdGradientTf(c.loss, x, c.fdStep);
    const fdScale = Math.max(1, ...fd32.map(Math.abs));
    expectClose(
      grad,
      fd32,
      { rtol: TOLERANCES.gradFd32.rtol, atol: TOLERANCES.gradFd32.relAtol * fdScale },
      `${c.label} grad vs float32 finite differences`,
    );
  });
}

/** Sets the backend for a describe block (wasm is imported lazily). */
export async function useBackend(backend: string): Promise<void> {
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  expect(await tf.setBackend(backend)).toBe(true);
}

export const BACKENDS = ['cpu', 'wasm'] as const;
