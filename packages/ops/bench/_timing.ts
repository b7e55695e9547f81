/**
 * Shared timing for the ops benchmarks (the leading underscore keeps `pnpm bench` from running
 * this file as a benchmark). `fn` must block until its results are read (dataSync on tensors).
 */
export interface Timing<T> {
  /** Median wall milliseconds of the timed runs (the upper middle one for an even count). */
  median: number;
  min: number;
  /** What the last run returned (e.g. to report how many boxes NMS kept). */
  result: T;
}

/** Times `fn` `reps` times after one untimed warm-up run. */
export function timeMs<T>(fn: () => T, reps: number): Timing<T> {
  let result = fn();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], result };
}
