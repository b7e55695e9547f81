/**
 * Progress display: on a terminal one bar line redrawn by cli-progress (the progress-bar library
 * of docs/spec/field.md) with the step text (epoch, step, loss parts, lr, img/s, ETA); otherwise
 * (CI, pipes, files) plain lines, one per logged step (every `logEvery` steps).
 */
// cli-progress is CommonJS: Node gives its `Format` only through the default import.
import cliProgress, { type Options } from 'cli-progress';

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
  /** A message on its own line, above the bar (which stays below it). */
  line(text: string): void;
  /** Ends the bar's line (the bar is cleared); a later step starts a new bar. */
  done(): void;
}

/** What the display writes to: process.stderr, or any object with `write` (tests). */
export type ProgressStream = NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };

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
  return (
    `epoch ${r.epoch + 1}/${r.epochs} step ${r.step + 1}/${r.stepsPerEpoch} (iter ${r.iter}/${r.totalIters}) ` +
    `loss ${r.loss.toFixed(4)} [${parts}] lr ${r.lr.toExponential(2)} ${r.imagesPerSecond.toFixed(1)} img/s ` +
    `ETA ${formatDuration(r.etaSeconds)}`
  );
}

/**
 * The bar's look: `[#####...............] <formatStep text>`, cut to the terminal's width less
 * one column (a full line would wrap on some terminals). The text is the payload's `text`.
 */
const BAR_OPTIONS: Options = {
  barsize: 20,
  barCompleteChar: '#',
  barIncompleteChar: '.',
  // The terminal's own modes stay as they are (no hidden cursor, no autowrap switched off), so
  // a run that dies mid-bar leaves a usable terminal.
  hideCursor: false,
  linewrap: true,
  clearOnComplete: true,
};

/**
 * The display for `stream`: a cli-progress SingleBar on a terminal, plain lines elsewhere.
 *
 * @example
 * const progress = createProgress(process.stderr);
 * progress.step(report, logged); // every step
 * progress.line('val AP 0.41'); // above the bar
 * progress.done();
 */
export function createProgress(stream: ProgressStream): Progress {
  if (!stream.isTTY) {
    return {
      step(r, logged) {
        if (logged) stream.write(`${formatStep(r)}\n`);
      },
      line(text) {
        stream.write(`${text}\n`);
      },
      done() {},
    };
  }
  const columns = (): number => ('columns' in stream && stream.columns ? stream.columns : 160);
  const bar = new cliProgress.SingleBar({
    ...BAR_OPTIONS,
    stream: stream as NodeJS.WritableStream,
    format: (options, params, payload: { text: string }) =>
      `[${cliProgress.Format.BarFormat(params.progress, options)}] ${payload.text}`.slice(0, columns() - 1),
  });
  let last: StepReport | undefined;
  const start = (r: StepReport): void => bar.start(Math.max(1, r.totalIters), r.iter, { text: formatStep(r) });
  return {
    step(r) {
      if (!bar.isActive) start(r);
      else bar.update(r.iter, { text: formatStep(r) });
      last = r;
    },
    // SingleBar redraws in place; a line above it means: clear the bar (stop), write the line,
    // draw the bar again below it (start, with the same value).
    line(text) {
      const active = bar.isActive;
      if (active) bar.stop();
      stream.write(`${text}\n`);
      if (active && last !== undefined) start(last);
    },
    done() {
      if (bar.isActive) bar.stop();
      last = undefined;
    },
  };
}
