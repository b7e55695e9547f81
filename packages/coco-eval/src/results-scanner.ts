import type { Detections } from './detections.js';
import type { GroundTruth } from './ground-truth.js';
import { WarningCounter, type CocoWarning } from './warnings.js';

/**
 * A fast path for the one big input: a results list of 500,000 detections is ~45 MB of JSON,
 * and `JSON.parse` spends most of the load time building half a million objects we only copy
 * into typed arrays. This scanner reads the UTF-8 bytes straight into those arrays.
 *
 * It accepts only what it fully understands and returns `null` for anything else (invalid or
 * unusual JSON, a key with an escape, a failed check): the caller then takes the general path
 * (`JSON.parse` + `loadDetections`), which gives the same result or the precise error message.
 * Numbers are converted exactly like `JSON.parse` (Clinger's fast path when exact, `Number()`
 * otherwise).
 */
export function scanDetections(bytes: Uint8Array, gt: GroundTruth): Detections | null {
  try {
    return new ResultsScanner(bytes, gt).run();
  } catch (error) {
    if (error === GIVE_UP) return null;
    throw error;
  }
}

const GIVE_UP = Symbol('give up');
function giveUp(): never {
  // A sentinel, not an Error: giving up is ordinary control flow here (the caller falls back to
  // JSON.parse), so it must not pay for a stack trace.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw GIVE_UP;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

const KEY_IMAGE_ID = bytesOf('image_id');
const KEY_CATEGORY_ID = bytesOf('category_id');
const KEY_BBOX = bytesOf('bbox');
const KEY_SCORE = bytesOf('score');

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const isDigit = (c: number) => c >= 48 && c <= 57;

class ResultsScanner {
  private pos = 0;
  private count = 0;
  private boxes: Float64Array;
  private scores: Float64Array;
  private image: Int32Array;
  private category: Int32Array;
  private ids: Float64Array;
  private readonly unknownCategory = new WarningCounter();
  private readonly box = new Float64Array(4);

  constructor(
    private readonly b: Uint8Array,
    private readonly gt: GroundTruth,
  ) {
    // a detection takes at least ~60 bytes: a generous first guess, grown if needed
    const guess = Math.max(16, Math.ceil(b.length / 48));
    this.boxes = new Float64Array(4 * guess);
    this.scores = new Float64Array(guess);
    this.image = new Int32Array(guess);
    this.category = new Int32Array(guess);
    this.ids = new Float64Array(guess);
  }

  run(): Detections {
    this.ws();
    this.expect(91); // [
    this.ws();
    let index = 0;
    if (this.b[this.pos] === 93) this.pos++;
    else {
      for (;;) {
        this.detection(index++);
        this.ws();
        const c = this.b[this.pos++];
        if (c === 93) break;
        if (c !== 44) giveUp();
        this.ws();
      }
    }
    this.ws();
    if (this.pos !== this.b.length) giveUp();
    const warnings: CocoWarning[] = [];
    this.unknownCategory.flush(
      warnings,
      'detections',
      'unknown-category',
      (c) => `${c} detection(s) with category ids not in the ground truth were ignored, as pycocotools does`,
    );
    const n = this.count;
    return {
      count: n,
      boxes: this.boxes.subarray(0, 4 * n),
      scores: this.scores.subarray(0, n),
      image: this.image.subarray(0, n),
      category: this.category.subarray(0, n),
      ids: this.ids.subarray(0, n),
      warnings,
    };
  }

  private detection(index: number): void {
    this.expect(123); // {
    this.ws();
    let imageId = NaN;
    let categoryId = NaN;
    let score = NaN;
    let hasBox = false;
    if (this.b[this.pos] === 125) giveUp(); // {} : missing fields
    for (;;) {
      // Keys are compared as raw bytes, so one with an escape (`"sc\u006fre"` is `score`) could
      // be a duplicate the bytes do not show; JSON keeps the last duplicate, and missing it
      // changed AP on the p02 fixture from 0.764 to 0.838 (issue 22 item 7). Such a file takes
      // the general path.
      const keyStart = this.pos + 1;
      this.skipString(true);
      const keyEnd = this.pos - 1;
      this.ws();
      this.expect(58); // :
      this.ws();
      if (this.keyIs(keyStart, keyEnd, KEY_IMAGE_ID)) imageId = this.number();
      else if (this.keyIs(keyStart, keyEnd, KEY_CATEGORY_ID)) categoryId = this.number();
      else if (this.keyIs(keyStart, keyEnd, KEY_SCORE)) score = this.number();
      else if (this.keyIs(keyStart, keyEnd, KEY_BBOX)) hasBox = this.bbox();
      else this.skipValue(0);
      this.ws();
      const c = this.b[this.pos++];
      if (c === 125) break;
      if (c !== 44) giveUp();
      this.ws();
    }
    this.store(index, imageId, categoryId, score, hasBox);
  }

  /** The same checks as `loadDetections`; any failure defers to it for the error message. */
  private store(index: number, imageId: number, categoryId: number, score: number, hasBox: boolean): void {
    const box = this.box;
    if (!hasBox || !Number.isInteger(imageId) || !Number.isInteger(categoryId) || !Number.isFinite(score)) giveUp();
    if (!(box[2] >= 0) || !(box[3] >= 0) || !Number.isFinite(box[0] + box[1] + box[2] + box[3])) giveUp();
    const img = this.gt.imageIndex.get(imageId);
    if (img === undefined) giveUp();
    const cat = this.gt.categoryIndex.get(categoryId);
    if (cat === undefined) {
      this.unknownCategory.add(() => `detection [${index}] category_id ${categoryId}`);
      return;
    }
    if (this.count === this.scores.length) this.grow();
    const k = this.count++;
    this.boxes.set(box, 4 * k);
    this.scores[k] = score;
    this.image[k] = img;
    this.category[k] = cat;
    this.ids[k] = index + 1;
  }

  private grow(): void {
    const n = 2 * this.scores.length;
    const grown = <T extends Float64Array | Int32Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.boxes = grown(this.boxes, 4 * n);
    this.scores = grown(this.scores, n);
    this.image = grown(this.image, n);
    this.category = grown(this.category, n);
    this.ids = grown(this.ids, n);
  }

  private bbox(): boolean {
    this.expect(91);
    for (let j = 0; j < 4; j++) {
      this.ws();
      this.box[j] = this.number();
      this.ws();
      if (this.b[this.pos++] !== (j === 3 ? 93 : 44)) giveUp();
    }
    return true;
  }

  private keyIs(start: number, end: number, key: Uint8Array): boolean {
    if (end - start !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (this.b[start + i] !== key[i]) return false;
    return true;
  }

  private ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  private expect(c: number): void {
    if (this.b[this.pos] !== c) giveUp();
    this.pos++;
  }

  /** A JSON number, converted to the double `JSON.parse` would give. */
  private number(): number {
    const b = this.b;
    const start = this.pos;
    let p = start;
    const negative = b[p] === 45;
    if (negative) p++;
    let mantissa = 0;
    let digits = 0;
    let exp10 = 0;
    if (b[p] === 48) p++;
    else if (isDigit(b[p])) {
      while (isDigit(b[p])) {
        mantissa = mantissa * 10 + (b[p++] - 48);
        digits++;
      }
    } else giveUp();
    if (b[p] === 46) {
      p++;
      if (!isDigit(b[p])) giveUp();
      while (isDigit(b[p])) {
        mantissa = mantissa * 10 + (b[p++] - 48);
        digits++;
        exp10--;
      }
    }
    if (b[p] === 101 || b[p] === 69) {
      p++;
      const expNegative = b[p] === 45;
      if (b[p] === 45 || b[p] === 43) p++;
      if (!isDigit(b[p])) giveUp();
      let e = 0;
      while (isDigit(b[p])) e = Math.min(e * 10 + (b[p++] - 48), 1e6);
      exp10 += expNegative ? -e : e;
    }
    this.pos = p;
    let value: number;
    // both operands exact (mantissa < 2^53, 10^k exact): one correctly rounded operation
    if (digits <= 15 && exp10 >= -22 && exp10 <= 22)
      value = exp10 < 0 ? mantissa / POW10[-exp10] : mantissa * POW10[exp10];
    else return Number(String.fromCharCode(...b.subarray(start, p)));
    return negative ? -value : value;
  }

  /** Skips a string; with `key`, any escape gives up (see `detection`). */
  private skipString(key = false): void {
    const b = this.b;
    if (b[this.pos] !== 34) giveUp();
    let p = this.pos + 1;
    for (;;) {
      const c = b[p++];
      if (c === undefined || c < 32) giveUp();
      if (c === 34) break;
      if (c === 92) {
        if (key || b[p] === undefined) giveUp();
        p++;
      }
    }
    this.pos = p;
  }

  /** Skips any JSON value (fields pycocotools ignores: segmentation, area, id, …). */
  private skipValue(depth: number): void {
    if (depth > 64) giveUp();
    const c = this.b[this.pos];
    if (c === 34) return this.skipString();
    if (c === 45 || isDigit(c)) return void this.number();
    if (c === 123 || c === 91) return this.skipContainer(c === 123, depth);
    for (const word of ['true', 'false', 'null']) {
      if (this.keyIs(this.pos, this.pos + word.length, bytesOf(word))) {
        this.pos += word.length;
        return;
      }
    }
    giveUp();
  }

  private skipContainer(isObject: boolean, depth: number): void {
    const close = isObject ? 125 : 93;
    this.pos++;
    this.ws();
    if (this.b[this.pos] === close) return void this.pos++;
    for (;;) {
      if (isObject) {
        this.skipString();
        this.ws();
        this.expect(58);
        this.ws();
      }
      this.skipValue(depth + 1);
      this.ws();
      const c = this.b[this.pos++];
      if (c === close) return;
      if (c !== 44) giveUp();
      this.ws();
    }
  }
}
