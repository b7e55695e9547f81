/** The four 32-bit words of an {@link Rng}, as JSON-friendly unsigned integers. */
export type RngState = [number, number, number, number];

/**
 * The one seeded pseudo-random generator of apdet: sfc32 (a 128-bit-state "small fast counting"
 * generator), seeded by hashing a tuple of integers such as (seed, epoch, index).
 *
 * Why keyed by tuples: a draw depends only on its key, never on the order in which work happens
 * (decoding order, prefetch depth, which worker runs a job), so `(seed, epoch, index)` reproduces
 * a data sample bit for bit (packages/data/README.md, "Randomness") and `(seed, round, sample)`
 * a search job's seed. Long-lived streams (the loss search's sampler) save {@link Rng.state} and
 * continue with {@link Rng.fromState}. Not cryptographic.
 *
 * @example
 * import { Rng } from '@apdet/rng';
 *
 * const rng = Rng.from(seed, epoch, sampleIndex); // same tuple → same stream, on any machine
 * const flip = rng.chance(0.5);
 * const scale = rng.uniform(0.5, 2);
 * const order = rng.shuffle([0, 1, 2, 3]);
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(words: RngState) {
    this.a = words[0] | 0;
    this.b = words[1] | 0;
    this.c = words[2] | 0;
    this.d = words[3] | 0;
  }

  /**
   * A generator keyed by a tuple of integers (each a safe integer, negative allowed).
   * Different tuples give independent streams; the same tuple, the same stream.
   *
   * @example
   * const rng = Rng.from(seed, epoch, sampleIndex);
   */
  static from(...keys: number[]): Rng {
    let h1 = 0x9e3779b9;
    let h2 = 0x85ebca6b;
    let h3 = 0xc2b2ae35;
    let h4 = 0x27d4eb2f;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (!Number.isSafeInteger(key)) throw new RangeError(`Rng.from: key ${i} must be a safe integer, got ${key}`);
      const lo = key >>> 0;
      const hi = Math.floor(key / 4294967296) >>> 0;
      h1 = mix32(h1 ^ lo ^ Math.imul(i + 1, 0x632be5ab));
      h2 = mix32(h2 ^ hi ^ h1);
      h3 = mix32(h3 + h1 + Math.imul(h2, 0x2545f491));
      h4 = mix32(h4 ^ h3 ^ keys.length);
    }
    const rng = new Rng([h1, h2, h3, h4 | 1]);
    // Discard the first outputs: sfc32 mixes its state through the counter in a few rounds.
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  /**
   * Restores a generator saved with {@link Rng.state} (e.g. read back from JSON).
   *
   * @example
   * const saved = rng.state();            // [a, b, c, d], JSON-friendly
   * const again = Rng.fromState(saved);   // continues exactly where `rng` is now
   */
  static fromState(state: RngState): Rng {
    const valid =
      Array.isArray(state) &&
      state.length === 4 &&
      state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!valid)
      throw new RangeError(`Rng.fromState: expected 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    return new Rng(state);
  }

  /** The current state as 4 unsigned 32-bit integers; `Rng.fromState(rng.state())` continues the same stream. */
  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high) (high exclusive). */
  int(low: number, high: number): number {
    return low + Math.floor((high - low) * this.next());
  }

  /** True with probability `p`. */
  chance(p = 0.5): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)];
  }

  /** Standard normal variate (Box–Muller; one value per call, so no hidden cached state). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor((i + 1) * this.next());
      const t = items[i];
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

/** A 32-bit finaliser with full avalanche (from the "lowbias32" family). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}
