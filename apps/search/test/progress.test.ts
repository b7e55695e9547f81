/** The search's progress display: plain lines off a terminal, cli-progress bars on it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SearchProgress } from '../src/progress.js';
import { screen } from './terminal.js';

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

  describe('on a terminal', () => {
    // cli-progress redraws on a timer: fake timers make the redraws happen when the test says.
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('draws a status line and a bar per running sample, with finished samples printed above', () => {
      const s = stream(true);
      const p = new SearchProgress(s);
      p.roundStart(0, 2, 2, 0);
      p.sampleProgress({ key: 'r0-s0', fraction: 0.5 });
      p.sampleProgress({ key: 'r0-s1', fraction: 1 });
      expect(screen(s.writes)).toEqual(['round 1/2 samples 0/2 00:00', '  r0-s0 [#####.....]', '  r0-s1 [##########]']);
      p.sampleProgress({ key: 'r0-s0', fraction: 0.8 });
      vi.advanceTimersByTime(150); // the next timed redraw
      expect(screen(s.writes)).toEqual(['round 1/2 samples 0/2 00:00', '  r0-s0 [########..]', '  r0-s1 [##########]']);

      p.sampleDone({ key: 'r0-s0', reward: 0.5, failed: false, seconds: 1 });
      p.line('a message');
      expect(screen(s.writes)).toEqual([
        '  round 1/2 sample 1/2 r0-s0: reward 0.5000 (1 s)',
        'a message',
        'round 1/2 samples 1/2 00:00',
        '  r0-s1 [##########]',
      ]);

      // The round's last sample: its line is printed, then the bars are cleared and the timer stops.
      p.sampleDone({ key: 'r0-s1', reward: 0.25, failed: false, seconds: 2 });
      const written = s.writes.length;
      vi.advanceTimersByTime(1000);
      expect(s.writes).toHaveLength(written);
      p.line('round 1 done');
      p.finish();
      expect(screen(s.writes)).toEqual([
        '  round 1/2 sample 1/2 r0-s0: reward 0.5000 (1 s)',
        'a message',
        '  round 1/2 sample 2/2 r0-s1: reward 0.2500 (2 s)',
        'round 1 done',
        '',
      ]);
    });

    it('clears the bars on finish (twice is fine), and cuts lines to the terminal width', () => {
      const s = stream(true);
      s.columns = 20;
      const p = new SearchProgress(s);
      p.roundStart(3, 8, 8, 0);
      p.sampleProgress({ key: 'r3-s0', fraction: 0 });
      vi.advanceTimersByTime(60_000);
      // 19 = 20 - 1 columns: 'round 4/8 samples 0/8 01:00' and '  r3-s0 [..........]' are cut.
      expect(screen(s.writes)).toEqual(['round 4/8 samples 0', '  r3-s0 [..........']);
      p.finish();
      p.finish();
      expect(screen(s.writes)).toEqual(['']);
    });
  });
});
