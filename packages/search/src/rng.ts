/**
 * The search's random stream: sfc32 (128-bit state, "small fast counting"), seeded by hashing
 * a tuple of integers, with its state readable and restorable so `state.json` can hold it and
 * a resumed search continues the same stream. (The same design as @apdet/data's `Rng`, whose
 * state is private, plus `state()`/`fromState`.)
 */

/** The four 32-bit words of the generator, as JSON-friendly unsigned integers. */
export type RngState = [number, number, number, number];

export class SearchRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(words: RngState) {
    [this.a, this.b, this.c, this.d] = words.map((w) => w | 0);
  }

  /** A generator keyed by a tuple of safe integers; different tuples give independent streams. */
  static from(...keys: number[]): SearchRng {
    let h1 = 0x9e3779b9;
    let h2 = 0x85ebca6b;
    let h3 = 0xc2b2ae35;
    let h4 = 0x27d4eb2f;
    keys.forEach((key, i) => {
      if (!Number.isSafeInteger(key)) throw new RangeError(`SearchRng.from: key ${i} must be a safe integer, got ${key}`);
      const lo = key >>> 0;
      const hi = Math.floor(key / 4294967296) >>> 0;
      h1 = mix32(h1 ^ lo ^ Math.imul(i + 1, 0x632be5ab));
      h2 = mix32(h2 ^ hi ^ h1);
      h3 = mix32(h3 + h1 + Math.imul(h2, 0x2545f491));
      h4 = mix32(h4 ^ h3 ^ keys.length);
    });
    const rng = new SearchRng([h1, h2, h3, h4 | 1]);
    // sfc32 needs a few rounds to spread the seed through its state.
    for (let i = 0; i < 12; i++) rng.nextUint32();
    return rng;
  }

  /** Restores a generator saved with {@link state}. */
  static fromState(state: RngState): SearchRng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new RangeError(`SearchRng.fromState: expected 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    return new SearchRng(state);
  }

  /** The current state (4 unsigned 32-bit integers); `fromState(rng.state())` continues the same stream. */
  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (((this.c << 21) | (this.c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits (two draws). */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
}

/** A 32-bit finaliser with full avalanche (the "lowbias32" family). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

/**
 * The training seed of proxy job (round, sample) of a search seeded `searchSeed`: a 31-bit
 * integer that depends only on these three numbers, so a retried or resumed job trains with
 * the same seed on any worker.
 */
export function proxySeed(searchSeed: number, round: number, sample: number): number {
  return SearchRng.from(searchSeed, round, sample, 0x5eed).nextUint32() >>> 1;
}
