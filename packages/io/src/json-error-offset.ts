/**
 * Finds the character offset of the first JSON syntax error in `text`, or -1 if the text is
 * valid JSON. Node 20's `JSON.parse` often reports no position ("Unexpected token 'o', ..."),
 * and a user with a 400 MB annotation file needs to know where to look.
 *
 * The scanner is iterative, with its own stack of open containers: a recursive descent
 * overflowed the call stack on deeply nested input (`'['.repeat(5000)`, issue 22 item 9), so the
 * error report itself crashed. Nesting depth is now limited by memory only.
 *
 * @example
 * findJsonErrorOffset('{"a": [1, 2,]}'); // 12, the `]` where a value was expected
 */
export function findJsonErrorOffset(text: string): number {
  const scanner = new JsonScanner(text);
  try {
    scanner.skipSpace();
    scanner.value();
    scanner.skipSpace();
    return scanner.pos < text.length ? scanner.pos : -1;
  } catch (error) {
    if (error instanceof ScanError) return error.offset;
    throw error;
  }
}

class ScanError extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

const OBJECT = 0;
const ARRAY = 1;

class JsonScanner {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(): never {
    throw new ScanError(Math.min(this.pos, this.text.length));
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  /** One JSON value starting at `pos` (no leading space), containers included, without recursion. */
  value(): void {
    const open: number[] = []; // OBJECT or ARRAY, innermost last
    for (;;) {
      // A value is expected at pos.
      const ch = this.text[this.pos];
      if (ch === '{' || ch === '[') {
        this.pos++;
        this.skipSpace();
        if (this.text[this.pos] === (ch === '{' ? '}' : ']')) this.pos++;
        else {
          open.push(ch === '{' ? OBJECT : ARRAY);
          if (ch === '{') this.key();
          continue;
        }
      } else this.scalar();
      // A value is complete: close the containers it completes, then go to the next member.
      for (;;) {
        if (open.length === 0) return;
        this.skipSpace();
        const inObject = open[open.length - 1] === OBJECT;
        const c = this.text[this.pos];
        if (c === (inObject ? '}' : ']')) {
          this.pos++;
          open.pop();
        } else if (c === ',') {
          this.pos++;
          this.skipSpace();
          if (inObject) this.key();
          break;
        } else this.fail();
      }
    }
  }

  /** `"name"`, the colon and the space before the member's value. */
  key(): void {
    if (this.text[this.pos] !== '"') this.fail();
    this.string();
    this.skipSpace();
    if (this.text[this.pos] !== ':') this.fail();
    this.pos++;
    this.skipSpace();
  }

  scalar(): void {
    const ch = this.text[this.pos];
    if (ch === '"') return this.string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail();
  }

  string(): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"') return void this.pos++;
      if (ch === '\\') this.pos++;
      else if (ch < ' ') this.fail();
      this.pos++;
    }
    this.fail();
  }

  number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail();
    this.pos += match[0].length;
  }
}
