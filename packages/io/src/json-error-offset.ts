/**
 * Finds the character offset of the first JSON syntax error in `text`, or -1 if the text is
 * valid JSON. Node 20's `JSON.parse` often reports no position ("Unexpected token 'o', ..."),
 * and a user with a 400 MB annotation file needs to know where to look.
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

class JsonScanner {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(): never {
    throw new ScanError(Math.min(this.pos, this.text.length));
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  value(): void {
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
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

  object(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') return void this.pos++;
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail();
      this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail();
      this.pos++;
      this.skipSpace();
      this.value();
      this.skipSpace();
      if (this.text[this.pos] === '}') return void this.pos++;
      if (this.text[this.pos] !== ',') this.fail();
      this.pos++;
      this.skipSpace();
    }
  }

  array(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') return void this.pos++;
    for (;;) {
      this.value();
      this.skipSpace();
      if (this.text[this.pos] === ']') return void this.pos++;
      if (this.text[this.pos] !== ',') this.fail();
      this.pos++;
      this.skipSpace();
    }
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
