import * as tf from '@tensorflow/tfjs';

/**
 * Seeded initialisers. Every random initialiser takes its seed from one module-level stream
 * (like `torch.manual_seed`): {@link withInitSeed} (or {@link setInitSeed}) fixes the stream, so
 * building the same model with the same seed gives bit-identical parameters on every backend
 * (tfjs' random ops are implemented in JS, seeded via seedrandom, independently of the backend).
 */
let seedState = 0x2545f491;

/** Resets the initialisation seed stream. */
export function setInitSeed(seed: number): void {
  seedState = (seed >>> 0) ^ 0x9e3779b9;
}

/** Runs `build` with the seed stream reset to `seed`, then restores the previous stream. */
export function withInitSeed<T>(seed: number | undefined, build: () => T): T {
  if (seed === undefined) return build();
  const saved = seedState;
  setInitSeed(seed);
  try {
    return build();
  } finally {
    seedState = saved;
  }
}

/** Next seed from the stream (a 32-bit xorshift step: cheap, deterministic, well mixed). */
export function nextSeed(): number {
  let x = seedState;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  seedState = x >>> 0;
  return seedState;
}

/** Produces an initial value for a parameter of the given shape. */
export type Initializer = (shape: number[]) => tf.Tensor;

/** fan_in and fan_out as PyTorch computes them: HWIO conv kernels and [in, out] linear weights. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 4) {
    const receptive = shape[0] * shape[1];
    return { fanIn: shape[2] * receptive, fanOut: shape[3] * receptive };
  }
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  throw new Error(`fans: expected a 2-D or 4-D weight, got shape [${shape.join(', ')}]`);
}

/** Constant fill (zeros for biases, ones for norm scales). */
export function constant(value: number): Initializer {
  return (shape) => tf.fill(shape, value);
}

/** Normal(0, std²), e.g. `normal(0.01)` for detection head convs. */
export function normal(std: number, mean = 0): Initializer {
  return (shape) => tf.randomNormal(shape, mean, std, 'float32', nextSeed());
}

/** Uniform on [low, high). */
export function uniform(low: number, high: number): Initializer {
  return (shape) => tf.randomUniform(shape, low, high, 'float32', nextSeed());
}

/**
 * Kaiming (He) normal: std = gain / sqrt(fan), gain = sqrt(2) for ReLU. torchvision's ResNet
 * uses `mode: 'fanOut'` (`kaiming_normal_(mode="fan_out", nonlinearity="relu")`).
 */
export function kaimingNormal(mode: 'fanIn' | 'fanOut' = 'fanOut'): Initializer {
  return (shape) => {
    const f = fans(shape);
    const std = Math.sqrt(2) / Math.sqrt(mode === 'fanIn' ? f.fanIn : f.fanOut);
    return tf.randomNormal(shape, 0, std, 'float32', nextSeed());
  };
}

/**
 * Kaiming uniform with negative slope `a`: bound = sqrt(6 / ((1 + a²) fan_in)). With a = 1 this
 * is torchvision's FPN/RetinaNet init; with a = sqrt(5) it is PyTorch's default for conv/linear.
 */
export function kaimingUniform(a = 1): Initializer {
  return (shape) => {
    const bound = Math.sqrt(6 / ((1 + a * a) * fans(shape).fanIn));
    return tf.randomUniform(shape, -bound, bound, 'float32', nextSeed());
  };
}

/** Xavier (Glorot) uniform: bound = gain · sqrt(6 / (fan_in + fan_out)) (mmdet's FPN default). */
export function xavierUniform(gain = 1): Initializer {
  return (shape) => {
    const f = fans(shape);
    const bound = gain * Math.sqrt(6 / (f.fanIn + f.fanOut));
    return tf.randomUniform(shape, -bound, bound, 'float32', nextSeed());
  };
}

/**
 * The classification-bias value that makes the initial sigmoid output equal the prior π
 * (RetinaNet, focal loss): b = −log((1 − π) / π); π = 0.01 gives b ≈ −4.595.
 */
export function priorProbabilityBias(prior: number): number {
  if (!(prior > 0 && prior < 1)) throw new Error(`prior probability must be in (0, 1), got ${prior}`);
  return -Math.log((1 - prior) / prior);
}
