/** The progress display: a cli-progress bar on a terminal, plain lines (logged steps only) elsewhere. */
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatDuration, type StepReport } from '../src/progress.js';

const report: StepReport = {
  iter: 170,
  totalIters: 625,
  epoch: 1,
  epochs: 5,
  step: 44,
  stepsPerEpoch: 125,
  loss: 0.74791,
  parts: { pap: 0.74791 },
  lr: 0.01,
  imagesPerSecond: 17.62,
  etaSeconds: 413,
};
const BAR_TEXT = new RegExp(
  String.raw`\[#{5}\.{15}\] epoch 2/5 step 45/125 \(iter 170/625\) ` +
    String.raw`loss 0\.7479 \[pap 0\.7479\] lr 1\.00e-2 17\.6 img/s ETA 06:53`,
);

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (s: string) => chunks.push(s) } };
}

describe('progress', () => {
  // cli-progress redraws on a timer: fake timers make the redraws happen when the test says.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws one bar line on a terminal, prints lines above it and clears it when done', () => {
    const { chunks, stream } = sink(true);
    const p = createProgress(stream);
    const shown = () => stripVTControlCharacters(chunks.join(''));
    p.step(report, false);
    expect(shown()).toMatch(new RegExp(`^${BAR_TEXT.source}$`));
    p.step({ ...report, iter: 171 }, true);
    vi.advanceTimersByTime(250);
    // Redrawn in place: back to column 1, the new text, the rest of the line erased; no newline.
    expect(chunks.slice(-3)).toEqual(['\x1b[1G', expect.stringContaining('(iter 171/625)'), '\x1b[0K']);
    expect(chunks.join('')).not.toContain('\n');

    p.line('val AP 0.4');
    const [before, after] = chunks.join('').split('val AP 0.4\n');
    expect(before.endsWith('\x1b[2K')).toBe(true); // the bar's line is cleared before the message
    expect(stripVTControlCharacters(after)).toMatch(/^\[#{5}\.{15}\] epoch 2\/5 step 45\/125 \(iter 171\/625\)/);

    p.done();
    expect(chunks.at(-1)).toBe('\x1b[2K');
    const written = chunks.length;
    vi.advanceTimersByTime(1000);
    expect(chunks).toHaveLength(written); // stopped: no more redraws
    p.line('after');
    expect(chunks.at(-1)).toBe('after\n');
  });

  it('cuts the bar line to the terminal width', () => {
    const { chunks, stream } = sink(true);
    stream.columns = 40;
    const p = createProgress(stream);
    p.step(report, false);
    // 39 = 40 - 1 columns
    expect(stripVTControlCharacters(chunks.join(''))).toBe('[#####...............] epoch 2/5 step 4');
    p.done();
  });

  it('prints plain lines for logged steps only when not on a terminal', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress(stream);
    p.step(report, false);
    expect(chunks).toHaveLength(0);
    p.step(report, true);
    expect(chunks).toEqual([
      'epoch 2/5 step 45/125 (iter 170/625) loss 0.7479 [pap 0.7479] lr 1.00e-2 17.6 img/s ETA 06:53\n',
    ]);
  });

  it('formats durations', () => {
    expect(formatDuration(59.6)).toBe('01:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('--:--');
  });
});
