/**
 * metrics.jsonl: one JSON object per line, `{"type":"train",…}` every `logEvery` steps and
 * `{"type":"eval",…}` per evaluation. Lines are appended and flushed as they come; on
 * `--resume` the lines after the checkpoint's step are dropped so the file reads like one
 * uninterrupted run.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { atomicWriteFile } from '@apdet/io';
import { writing } from './output-paths.js';

export interface TrainMetric {
  type: 'train';
  iter: number;
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  parts: Record<string, number>;
  /** Host-side facts of the batch, e.g. `retina/positives`. */
  stats: Record<string, number>;
  gradNorm: number | null;
  imagesPerSecond: number;
  trainSeconds: number;
}

export interface EvalMetric {
  type: 'eval';
  iter: number;
  epoch: number;
  ap: number;
  ap50: number;
  ap75: number;
  stats: readonly number[];
  detections: number;
  seconds: number;
}

export type Metric = TrainMetric | EvalMetric;

export class MetricsLog {
  private constructor(readonly file: string) {}

  /** Opens the log, keeping only lines with `iter <= keepUpTo` (all of them for a new run: 0 lines exist). */
  static async open(file: string, keepUpTo: number): Promise<MetricsLog> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      text = '';
    }
    const kept = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        try {
          return (JSON.parse(line) as { iter: number }).iter <= keepUpTo;
        } catch {
          return false; // a torn last line from a crash
        }
      });
    await writing(file, () => atomicWriteFile(file, kept.length ? `${kept.join('\n')}\n` : ''));
    return new MetricsLog(file);
  }

  /** Appends one line; a write error (disk full, …) is one line naming the file. */
  async append(metric: Metric): Promise<void> {
    await writing(this.file, () => appendFile(this.file, `${JSON.stringify(metric)}\n`));
  }
}

/** Reads a metrics.jsonl file (for reports and tests). */
export async function readMetrics(path: string): Promise<Metric[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Metric);
}
