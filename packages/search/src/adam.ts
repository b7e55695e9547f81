/** Adam's hyper-parameters (PyTorch defaults in the official search: β = (0.9, 0.999), ε = 1e-8). */
export interface AdamSettings {
  beta1: number;
  beta2: number;
  eps: number;
}

/** Adam's running state: first and second moments and the step count. */
export interface AdamState {
  m: number[];
  v: number[];
  step: number;
}

export function createAdamState(size: number): AdamState {
  return { m: new Array<number>(size).fill(0), v: new Array<number>(size).fill(0), step: 0 };
}

/**
 * One Adam step exactly as `torch.optim.Adam` (no weight decay, no amsgrad) computes it:
 * m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; t ← t + 1;
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
 * Mutates `state`; returns the new parameters. With lr = 0 the parameters stay put but the
 * moments and the step count still advance (the first PPO step, docs/spec/paper-spec.md §7.3).
 */
export function adamStep(
  params: readonly number[],
  grad: readonly number[],
  state: AdamState,
  lr: number,
  s: AdamSettings,
): number[] {
  state.step += 1;
  const bias1 = 1 - s.beta1 ** state.step;
  const bias2Sqrt = Math.sqrt(1 - s.beta2 ** state.step);
  const stepSize = lr / bias1;
  return params.map((p, i) => {
    state.m[i] = s.beta1 * state.m[i] + (1 - s.beta1) * grad[i];
    state.v[i] = s.beta2 * state.v[i] + (1 - s.beta2) * grad[i] * grad[i];
    const denom = Math.sqrt(state.v[i]) / bias2Sqrt + s.eps;
    return p - stepSize * (state.m[i] / denom);
  });
}
