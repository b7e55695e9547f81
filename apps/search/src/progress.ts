/**
 * Search progress: on a terminal a cli-progress MultiBar (the progress-bar library of
 * docs/spec/field.md): a status line (round, samples done, time in the round) and one bar per
 * running sample, with messages printed above them; otherwise (CI, pipes, files) plain lines,
 * one per finished sample and one per round. The same look as apdet-train's progress display.
 */
import type { ProxyOutcome, ProxyProgress } from '@apdet/search';
import { formatDuration } from '@apdet/train';
// cli-progress is CommonJS: Node gives its `Format` only through the default import.
import cliProgress, { type GenericFormatter, type MultiBar, type Options, type SingleBar } from 'cli-progress';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_OPTIONS: Options = {
  barsize: 10,
  barCompleteChar: '#',
  barIncompleteChar: '.',
  // The terminal's own modes stay as they are (no hidden cursor, no autowrap switched off), so
  // a search that dies mid-round leaves a usable terminal.
  hideCursor: false,
  linewrap: true,
  clearOnComplete: true,
  // Bars move up a line when one is removed or a message is printed above them: every redraw
  // must write every line, not only the ones whose text changed.
  forceRedraw: true,
};

/**
 * The display of a search.
 *
 * @example
 * const progress = new SearchProgress(process.stderr);
 * progress.roundStart(0, 8, 8, 0);
 * progress.sampleProgress({ key: 'r0-s0', fraction: 0.5 });
 * progress.sampleDone(outcome); // prints the sample's line above the bars
 * progress.finish();
 */
export class SearchProgress {
  private readonly tty: boolean;
  private round = 0;
  private rounds = 0;
  private samples = 0;
  private done = 0;
  private roundStarted = 0;
  /** On a terminal while samples run: the status line first, then a bar per running sample. */
  private multibar: MultiBar | undefined;
  private readonly bars = new Map<string, SingleBar>();

  constructor(private readonly stream: ProgressStream) {
    this.tty = Boolean(stream.isTTY);
  }

  /** A round's jobs start (the search itself logs the round's first and last line). */
  roundStart(round: number, rounds: number, samples: number, alreadyDone: number): void {
    this.finish();
    Object.assign(this, { round, rounds, samples, done: alreadyDone, roundStarted: performance.now() });
  }

  sampleProgress(p: ProxyProgress): void {
    if (!this.tty) return;
    const bar = this.bars.get(p.key);
    if (bar !== undefined) {
      bar.update(p.fraction);
      return;
    }
    const multibar = this.multibar ?? this.startBars();
    this.bars.set(p.key, multibar.create(1, p.fraction, { key: p.key }, { format: this.sampleFormat }));
    multibar.update();
  }

  sampleDone(o: ProxyOutcome): void {
    const bar = this.bars.get(o.key);
    if (bar !== undefined) {
      this.bars.delete(o.key);
      this.multibar?.remove(bar);
    }
    this.done += 1;
    const result = o.failed ? `failed (reward 0): ${o.reason ?? 'no reason given'}` : `reward ${o.reward.toFixed(4)}`;
    const where = o.worker ? ` on ${o.worker}` : '';
    const attempt = o.attempt !== undefined && o.attempt > 1 ? `, attempt ${o.attempt}` : '';
    const seconds = `${o.seconds.toFixed(0)} s${where}${attempt}`;
    this.line(
      `  round ${this.round + 1}/${this.rounds} sample ${this.done}/${this.samples} ${o.key}: ${result} (${seconds})`,
    );
    if (this.bars.size === 0) this.finish();
  }

  /** A message on its own line (above the bars on a terminal). */
  line(text: string): void {
    if (this.multibar === undefined) {
      this.stream.write(`${text}\n`);
      return;
    }
    this.multibar.log(`${text}\n`);
    this.multibar.update();
  }

  /** Clears the bars (a later sample starts new ones); nothing to do off a terminal. */
  finish(): void {
    if (this.multibar === undefined) return;
    this.multibar.stop();
    this.multibar = undefined;
    this.bars.clear();
  }

  private startBars(): MultiBar {
    const multibar = new cliProgress.MultiBar({
      ...BAR_OPTIONS,
      stream: this.stream as NodeJS.WritableStream,
      format: this.statusFormat,
    });
    multibar.create(1, 0, {});
    this.multibar = multibar;
    return multibar;
  }

  private readonly statusFormat: GenericFormatter = () => {
    const elapsed = formatDuration((performance.now() - this.roundStarted) / 1000);
    return this.fit(`round ${this.round + 1}/${this.rounds} samples ${this.done}/${this.samples} ${elapsed}`);
  };

  private readonly sampleFormat: GenericFormatter = (options, params, payload: { key: string }) =>
    this.fit(`  ${payload.key} [${cliProgress.Format.BarFormat(params.progress, options)}]`);

  /** Cut to the terminal's width less one column (a full line would wrap on some terminals). */
  private fit(text: string): string {
    return text.slice(0, (this.stream.columns ?? 160) - 1);
  }
}
