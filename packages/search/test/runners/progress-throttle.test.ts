import { describe, expect, it, vi } from 'vitest';
import type { ProxyProgress } from '../../src/contract.js';
import { throttleProgress } from '../../src/runners/progress-throttle.js';

describe('throttleProgress', () => {
  it('sends the first update, drops updates within the interval, and always sends completion, in order', async () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [];
      const forward = throttleProgress(async (p: ProxyProgress) => void sent.push(p.fraction), 1000);
      forward({ key: 'k', fraction: 0.1 });
      forward({ key: 'k', fraction: 0.2 });
      vi.advanceTimersByTime(1001);
      forward({ key: 'k', fraction: 0.3 });
      forward({ key: 'k', fraction: 0.4 });
      forward({ key: 'k', fraction: 1 });
      await vi.runAllTimersAsync();
      expect(sent).toEqual([0.1, 0.3, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps going after a failed send', async () => {
    const sent: number[] = [];
    let calls = 0;
    const forward = throttleProgress(async (p: ProxyProgress) => {
      if (calls++ === 0) throw new Error('lock lost');
      sent.push(p.fraction);
    }, 0);
    forward({ key: 'k', fraction: 0.5 });
    forward({ key: 'k', fraction: 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([1]);
  });
});
