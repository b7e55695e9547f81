import type { CocoInputPart } from './errors.js';

/**
 * Something pycocotools silently does that changes results, made visible. The evaluator still
 * does exactly what pycocotools does (drops the records); `count` says how many.
 */
export interface CocoWarning {
  readonly part: CocoInputPart;
  readonly code: 'unknown-category' | 'unknown-image' | 'duplicate-image' | 'duplicate-category';
  readonly count: number;
  /** One human-readable sentence, with an example record. */
  readonly message: string;
}

/** Counts occurrences of one warning kind and remembers the first example. */
export class WarningCounter {
  count = 0;
  private example = '';

  add(describe: () => string): void {
    if (this.count++ === 0) this.example = describe();
  }

  flush(into: CocoWarning[], part: CocoInputPart, code: CocoWarning['code'], what: (n: number) => string): void {
    if (this.count > 0)
      into.push({ part, code, count: this.count, message: `${what(this.count)} (first: ${this.example})` });
  }
}
