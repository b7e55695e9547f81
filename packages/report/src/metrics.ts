/**
 * The metrics records a report reads: the `train` and `eval` lines of a run's metrics.jsonl
 * (written by apdet-train). Only the fields charts use are typed; other record types and
 * extra fields are ignored, so `@apdet/train`'s `Metric[]` can be passed as is.
 */
import { UserError } from '@apdet/io';

export interface TrainRecord {
  readonly type: 'train';
  readonly iter: number;
  /** Total loss. */
  readonly loss: number;
  /** The loss's named parts, e.g. `{ pap }` or `{ focal, l1 }`. */
  readonly parts: Readonly<Record<string, number>>;
  readonly lr?: number;
}

export interface EvalRecord {
  readonly type: 'eval';
  readonly iter: number;
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
}

/** Any record of metrics.jsonl; those whose `type` is neither 'train' nor 'eval' are skipped. */
export type MetricRecord = TrainRecord | EvalRecord | { readonly type: string; readonly iter?: number };

export const isTrainRecord = (r: MetricRecord): r is TrainRecord => r.type === 'train';
export const isEvalRecord = (r: MetricRecord): r is EvalRecord => r.type === 'eval';

/**
 * Parses metrics.jsonl text. A malformed line is a {@link UserError} naming `source` and the
 * line, except a malformed LAST line, which a killed run can leave torn: it is dropped.
 */
export function parseMetricsJsonl(text: string, source = 'metrics.jsonl'): MetricRecord[] {
  const lines = text.split('\n');
  const lastContent = lines.findLastIndex((l) => l.trim() !== '');
  const records: MetricRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (i === lastContent) return;
      throw new UserError(`${source}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      throw new UserError(`${source}:${i + 1}: expected an object with a string "type"`);
    }
    records.push(value as MetricRecord);
  });
  return records;
}
