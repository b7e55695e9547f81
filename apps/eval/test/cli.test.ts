import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every case runs the real bin as a child process (flags, exit code, stdout/stderr as a user
// sees them). The processes start together in beforeAll: each costs ~0.5-1 s of startup.
const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'apdet-eval.mjs');
const FIXTURE = path.join(here, 'fixtures', 'p02_crowd');
const GT = path.join(FIXTURE, 'gt.json');
const DT = path.join(FIXTURE, 'dt.json');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // In the temporary folder, so a runs/ folder of the checkout cannot change which mode runs.
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'apdet-eval-cli-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const gtText = readFileSync(GT, 'utf8');
const imageId = JSON.parse(gtText).images[0].id;
const det = (bbox: string, image = imageId) =>
  `{"image_id": ${image}, "category_id": 1, "bbox": ${bbox}, "score": 0.5}`;

const cases = {
  success: () => run(['--gt', GT, '--dt', DT, '--out', path.join(dir, 'out', 'result.json')]),
  missingFile: () => run(['--gt', GT, '--dt', path.join(dir, 'nope.json')]),
  invalidJson: () =>
    run(['--gt', GT, '--dt', file('broken.json', `[\n  ${det('[1, 2, 3, 4]')},\n  {"image_id": 1,\n`)]),
  unknownImage: () =>
    run(['--gt', GT, '--dt', file('unknown-image.json', `[${det('[1, 2, 3, 4]')}, ${det('[1, 2, 3, 4]', 987654)}]`)]),
  nanToken: () => run(['--gt', GT, '--dt', file('nan.json', `[${det('[1, 2, 3, 4]')},\n ${det('[1, 2, NaN, 4]')}]`)]),
  nullInBox: () => run(['--gt', GT, '--dt', file('null.json', `[${det('[1, null, 3, 4]')}]`)]),
  dtIsObject: () => run(['--gt', GT, '--dt', GT]),
  gtIsArray: () => run(['--gt', DT, '--dt', DT]),
  badFlag: () => run(['--gt', GT, '--dt', DT, '--use-cats', '2']),
  help: () => run(['--help']),
  example: () => run(['--out', path.join(dir, 'example-result.json')]),
};
const results = {} as Record<keyof typeof cases, Run>;

beforeAll(async () => {
  const entries = await Promise.all(Object.entries(cases).map(async ([name, start]) => [name, await start()] as const));
  for (const [name, result] of entries) results[name as keyof typeof cases] = result;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A user error: non-zero exit, exactly one stderr line, no stack trace. */
function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^apdet-eval: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('apdet-eval CLI', () => {
  it('prints pycocotools summary lines, a per-category table and timings; --out has stats and perCategory', () => {
    const r = results.success;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8'));
    const stdoutLines = r.stdout.split('\n');
    for (const line of expected.summary_lines) expect(stdoutLines).toContain(line);
    expect(r.stdout).toMatch(/per-category AP/);
    expect(r.stdout).toMatch(/timing: load [\d.]+ s, evaluate [\d.]+ s, accumulate [\d.]+ s/);
    const out = JSON.parse(readFileSync(path.join(dir, 'out', 'result.json'), 'utf8'));
    expect(out.stats).toHaveLength(12);
    out.stats.forEach((v: number, i: number) => expect(Math.abs(v - expected.stats[i])).toBeLessThanOrEqual(1e-12));
    expect(out.perCategory.map((c: { categoryId: number }) => c.categoryId)).toEqual(expected.cat_ids);
    out.perCategory.forEach((c: { ap: number; ap50: number; name: string }, k: number) => {
      expect(Math.abs(c.ap - expected.per_category_ap[k])).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(c.ap50 - expected.per_category_ap50[k])).toBeLessThanOrEqual(1e-12);
      expect(typeof c.name).toBe('string');
    });
  });

  it('missing file', () => expectOneLineError(results.missingFile, /nope\.json: file not found$/));
  it('invalid JSON', () =>
    expectOneLineError(
      results.invalidJson,
      /broken\.json: invalid JSON at line 4, column \d+: unexpected end of file/,
    ));
  it('detection on an unknown image', () =>
    expectOneLineError(
      results.unknownImage,
      /unknown-image\.json: detection \[1\] \(id 2\): image_id 987654 is not an image of the ground truth/,
    ));
  it('NaN token in a box (as Python json.dump writes it)', () =>
    expectOneLineError(
      results.nanToken,
      /nan\.json: detection \[1\] \(id 2\): bbox\[2\] is NaN \(not valid JSON; Python's json.dump writes it/,
    ));
  it('null in a box', () =>
    expectOneLineError(
      results.nullInBox,
      /null\.json: detection \[0\] \(id 1\): bbox\[1\] is null, expected a finite number/,
    ));
  it('detections file that is an object', () =>
    expectOneLineError(
      results.dtIsObject,
      /gt\.json: expected a JSON array of detections .*this looks like a COCO instances file/,
    ));
  it('ground-truth file that is an array', () =>
    expectOneLineError(results.gtIsArray, /dt\.json: expected a COCO instances object .*got an array of 44/));
  it('bad flag value', () => expectOneLineError(results.badFlag, /--use-cats must be 0 or 1, got "2"/));
  // The flags themselves (unknown, missing value, stray argument, bad choice) are tested in process in flags.test.ts.
  it('--help prints the generated help to stdout and exits 0', () => {
    const r = results.help;
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^Usage: apdet-eval \[flags\]\n[^]*\n {2}--gt <instances\.json> /);
  });

  it("with no --gt/--dt evaluates the bundled example to pycocotools' numbers", () => {
    expect(results.example.code).toBe(0);
    expect(results.example.stdout).toMatch(/bundled example/);
    // The bundled example is the oracle scenario p14_realistic_500; pycocotools' output ships beside it.
    const expected = JSON.parse(readFileSync(path.join(here, '..', 'example', 'pycocotools-expected.json'), 'utf8'));
    const written = JSON.parse(readFileSync(path.join(dir, 'example-result.json'), 'utf8'));
    expect(written.stats).toHaveLength(12);
    written.stats.forEach((v: number, i: number) => expect(Math.abs(v - expected.stats[i])).toBeLessThanOrEqual(1e-12));
  });
});
