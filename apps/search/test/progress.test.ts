/** The search's progress display: plain lines off a terminal, one redrawn status line on it. */
import { describe, expect, it } from 'vitest';
import { SearchProgress } from '../src/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 200, write: (s: string) => writes.push(s) };
}

describe('SearchProgress', () => {
  it('prints one plain line per finished sample off a terminal, and no bars', () => {
    const s = stream(false);
    const p = new SearchProgress(s);
    p.roundStart(2, 8, 4, 1);
    p.sampleProgress({ key: 'r2-s1', fraction: 0.5 });
    p.sampleDone({ key: 'r2-s1', reward: 0.01234, failed: false, seconds: 61.2, worker: 'local-2' });
    p.sampleDone({ key: 'r2-s3', reward: 0, failed: true, reason: 'collapsed', seconds: 20, attempt: 2 });
    expect(s.writes).toEqual([
      '  round 3/8 sample 2/4 r2-s1: reward 0.0123 (61 s on local-2)\n',
      '  round 3/8 sample 3/4 r2-s3: failed (reward 0): collapsed (20 s, attempt 2)\n',
    ]);
  });

  it('redraws a status line with a bar per running sample on a terminal', () => {
    const s = stream(true);
    const p = new SearchProgress(s);
    p.roundStart(0, 2, 2, 0);
    p.sampleProgress({ key: 'r0-s0', fraction: 0.5 });
    p.sampleProgress({ key: 'r0-s1', fraction: 1 });
    expect(s.writes.at(-1)).toMatch(/^\r\x1b\[2Kround 1\/2 samples 0\/2 \d\d:\d\d \| r0-s0 \[#####\.\.\.\.\.\] r0-s1 \[##########\]$/);
    p.sampleDone({ key: 'r0-s0', reward: 0.5, failed: false, seconds: 1 });
    // The bar is cleared before the line and redrawn after it, without the finished sample.
    expect(s.writes.slice(-3)).toEqual(['\r\x1b[2K', '  round 1/2 sample 1/2 r0-s0: reward 0.5000 (1 s)\n', expect.stringMatching(/samples 1\/2 .*\| r0-s1 \[#+\]$/)]);
    p.finish();
    expect(s.writes.at(-1)).toBe('\r\x1b[2K');
  });
});
