import type { ProxyProgress } from '../contract.js';

/**
 * Forwards progress at most once per `intervalMs` (the last value wins; the final 1.0 always goes
 * through), one send at a time, in order. BullMQ progress updates are Redis round trips, and a
 * training loop may report every step.
 */
export function throttleProgress(
  send: (progress: ProxyProgress) => Promise<unknown>,
  intervalMs: number,
): (progress: ProxyProgress) => void {
  let lastSent = -Infinity;
  let chain: Promise<unknown> = Promise.resolve();
  return (progress) => {
    const now = performance.now();
    if (progress.fraction < 1 && now - lastSent < intervalMs) return;
    lastSent = now;
    chain = chain.then(() => send(progress)).catch(() => undefined);
  };
}
