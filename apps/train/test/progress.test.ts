/** The progress display: a `\r`-redrawn bar on a terminal, plain lines (logged steps only) elsewhere. */
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, type StepReport } from '../src/progress.js';

const report: StepReport = { iter: 170, totalIters: 625, epoch: 1, epochs: 5, step: 44, stepsPerEpoch: 125, loss: 0.74791, parts: { pap: 0.74791 }, lr: 0.01, imagesPerSecond: 17.62, etaSeconds: 413 };

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (s: string) => chunks.push(s) } };
}

describe('progress', () => {
  it('redraws one line on a terminal', () => {
    const { chunks, stream } = sink(true);
    const p = createProgress(stream);
    p.step(report, false);
    p.step({ ...report, iter: 171 }, true);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/^\r\x1b\[2K\[#{5}\.{15}\] epoch 2\/5 step 45\/125 \(iter 170\/625\) loss 0\.7479 \[pap 0\.7479\] lr 1\.00e-2 17\.6 img\/s ETA 06:53$/);
    expect(chunks.join('')).not.toContain('\n');
    p.line('val AP 0.4');
    expect(chunks.at(-1)).toBe('val AP 0.4\n');
  });

  it('prints plain lines for logged steps only when not on a terminal', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress(stream);
    p.step(report, false);
    expect(chunks).toHaveLength(0);
    p.step(report, true);
    expect(chunks).toEqual(['epoch 2/5 step 45/125 (iter 170/625) loss 0.7479 [pap 0.7479] lr 1.00e-2 17.6 img/s ETA 06:53\n']);
  });

  it('formats durations', () => {
    expect(formatDuration(59.6)).toBe('01:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('--:--');
  });
});
