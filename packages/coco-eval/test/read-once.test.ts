/**
 * Issue 22 item 10: a results file that can be read only once (`--dt /dev/stdin`, a pipe) was
 * read twice — by the byte scanner, then again by the general path when the scanner deferred to
 * it — so any record error read as "the file is empty". Each file is now read once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';

const nodeEntry = fileURLToPath(new URL('../src/node.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'apdet-coco-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Evaluates `gt` against `dt` in a child process whose stdin is a shell pipe carrying `input` (a
 * real pipe, as in `cat dt.json | apdet-eval --dt /dev/stdin`: Node's own stdio pipes are
 * sockets, which /dev/stdin cannot open); returns the AP or the error it printed.
 */
function evaluateInChild(gt: string, dt: string, input: string) {
  const script = path.join(dir, 'evaluate.ts');
  writeFileSync(
    script,
    `import { evaluateFiles } from ${JSON.stringify(nodeEntry)};
evaluateFiles(${JSON.stringify(gt)}, ${JSON.stringify(dt)}).then(
  ({ result }) => process.stdout.write(String(result.stats[0])),
  (error) => process.stdout.write('error: ' + error.message),
);
`,
  );
  const inputFile = path.join(dir, 'input.json');
  writeFileSync(inputFile, input);
  const command = `cat '${inputFile}' | '${process.execPath}' --import tsx '${script}'`;
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
  return r.stdout;
}

describe('files read once', () => {
  const gt = path.join(FIXTURES, 'p02_crowd', 'gt.json');
  const dt = readFileSync(path.join(FIXTURES, 'p02_crowd', 'dt.json'), 'utf8');
  const expected = (
    JSON.parse(readFileSync(path.join(FIXTURES, 'p02_crowd', 'expected.json'), 'utf8')) as {
      stats: number[];
    }
  ).stats[0];

  it('--dt /dev/stdin: a record error is reported as that error, not as an empty file', () => {
    const broken = dt.replace('"bbox":[401.11,303.09,95.53,63.52]', '"bbox":[401.11,303.09,-95.53,63.52]');
    expect(broken).not.toBe(dt);
    expect(evaluateInChild(gt, '/dev/stdin', broken)).toMatch(
      /^error: \/dev\/stdin: .*\[1\].*bbox\[2\] \(width\) is -95\.53/,
    );
  });

  it('--dt /dev/stdin: the general path (an escaped key) evaluates what was piped', () => {
    const escaped = dt.replace('"score":0.84}', '"sc\\u006fre":0.84}');
    expect(Number(evaluateInChild(gt, '/dev/stdin', escaped))).toBeCloseTo(expected, 12);
  });

  it('--gt /dev/stdin with NaN tokens (re-read with the tokens marked) is read once', () => {
    const gtText = readFileSync(gt, 'utf8');
    const withNaN = gtText.replace(/"area":\s*[0-9.e+-]+/, '"area": NaN');
    expect(withNaN).not.toBe(gtText);
    const dtFile = path.join(dir, 'dt.json');
    writeFileSync(dtFile, dt);
    expect(evaluateInChild('/dev/stdin', dtFile, withNaN)).toMatch(/^error: \/dev\/stdin: .*area.*NaN/);
  });
});
