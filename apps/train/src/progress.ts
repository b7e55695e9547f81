/**
 * Progress display: on a terminal one status line redrawn with `\r` (epoch, step, loss parts,
 * lr, img/s, ETA); otherwise (CI, pipes, files) plain lines every `logEvery` steps.
 */
export interface StepReport {
  iter: number;
  totalIters: number;
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
  parts: Record<string, number>;
  lr: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface Progress {
  /** Every step; `logged` = this step goes to metrics.jsonl (plain-line mode prints exactly those). */
  step(report: StepReport, logged: boolean): void;
  /** A message on its own line (clears the bar first). */
  line(text: string): void;
  /** Ends the bar's line. */
  done(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatStep(r: StepReport): string {
  const parts = Object.entries(r.parts)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(' ');
  return `epoch ${r.epoch + 1}/${r.epochs} step ${r.step + 1}/${r.stepsPerEpoch} (iter ${r.iter}/${r.totalIters}) loss ${r.loss.toFixed(4)} [${parts}] lr ${r.lr.toExponential(2)} ${r.imagesPerSecond.toFixed(1)} img/s ETA ${formatDuration(r.etaSeconds)}`;
}

/** A tiny progress bar; no dependency needed for one line. */
export function createProgress(stream: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number }): Progress {
  const tty = Boolean(stream.isTTY);
  let barShown = false;
  const clear = (): void => {
    if (barShown) stream.write('\r\x1b[2K');
    barShown = false;
  };
  return {
    step(r, logged) {
      if (!tty) {
        if (logged) stream.write(`${formatStep(r)}\n`);
        return;
      }
      const width = 20;
      const filled = Math.min(width, Math.round((width * r.iter) / Math.max(1, r.totalIters)));
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const text = `${bar} ${formatStep(r)}`;
      const columns = 'columns' in stream && stream.columns ? stream.columns : 160;
      stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
      barShown = true;
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}
