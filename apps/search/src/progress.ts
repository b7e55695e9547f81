/**
 * Search progress: on a terminal one status line redrawn with `\r` (round, samples done, a bar
 * per running sample); otherwise (CI, pipes, files) plain lines, one per finished sample and
 * one per round. The same approach as apdet-train's progress display.
 */
import type { ProxyOutcome, ProxyProgress } from '@apdet/search';
import { formatDuration } from '@apdet/train';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class SearchProgress {
  private readonly tty: boolean;
  private barShown = false;
  private round = 0;
  private rounds = 0;
  private samples = 0;
  private done = 0;
  private readonly running = new Map<string, number>();
  private roundStarted = 0;

  constructor(private readonly stream: ProgressStream) {
    this.tty = Boolean(stream.isTTY);
  }

  /** A round's jobs start (the search itself logs the round's first and last line). */
  roundStart(round: number, rounds: number, samples: number, alreadyDone: number): void {
    Object.assign(this, { round, rounds, samples, done: alreadyDone, roundStarted: performance.now() });
    this.running.clear();
  }

  sampleProgress(p: ProxyProgress): void {
    this.running.set(p.key, p.fraction);
    this.redraw();
  }

  sampleDone(o: ProxyOutcome): void {
    this.running.delete(o.key);
    this.done += 1;
    const result = o.failed ? `failed (reward 0): ${o.reason ?? 'no reason given'}` : `reward ${o.reward.toFixed(4)}`;
    const where = o.worker ? ` on ${o.worker}` : '';
    const attempt = o.attempt !== undefined && o.attempt > 1 ? `, attempt ${o.attempt}` : '';
    this.line(`  round ${this.round + 1}/${this.rounds} sample ${this.done}/${this.samples} ${o.key}: ${result} (${o.seconds.toFixed(0)} s${where}${attempt})`);
  }

  /** A message on its own line (clears the bar first). */
  line(text: string): void {
    this.clear();
    this.stream.write(`${text}\n`);
    this.redraw();
  }

  /** Ends the bar's line. */
  finish(): void {
    this.clear();
  }

  private clear(): void {
    if (this.barShown) this.stream.write('\r\x1b[2K');
    this.barShown = false;
  }

  private redraw(): void {
    if (!this.tty || this.running.size === 0) return;
    const bars = [...this.running.entries()].map(([key, f]) => `${key} ${bar(f)}`).join(' ');
    const elapsed = formatDuration((performance.now() - this.roundStarted) / 1000);
    const text = `round ${this.round + 1}/${this.rounds} samples ${this.done}/${this.samples} ${elapsed} | ${bars}`;
    const columns = this.stream.columns ?? 160;
    this.stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
    this.barShown = true;
  }
}

function bar(fraction: number, width = 10): string {
  const filled = Math.max(0, Math.min(width, Math.round(width * fraction)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
