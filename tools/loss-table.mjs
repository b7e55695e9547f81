#!/usr/bin/env node
// The README's per-loss results table: trains the default config (retinanet-tiny on the built-in
// shapes dataset) once per --loss, `--parallel` runs at a time (each on one wasm thread), then
// writes the table as Markdown and JSON. Resumable: a loss whose run already has eval.json is not
// trained again, and an interrupted run is continued with `apdet-train --resume`. A reused run
// whose commit differs from HEAD in anything but *.md files is marked "(older code)" in the table.
//
//   pnpm loss-table                                  # every loss below, 2 at a time
//   pnpm loss-table --losses param-ap,focal+giou --parallel 1 --seed 1 --out runs/loss-table-s1
//
// Output: <out>/<loss>/ (a normal run folder each), <out>/table.md, <out>/table.json.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const DEFAULT_LOSSES = ['param-ap', 'param-ap:linear', 'param-ap:square', 'param-ap:sigmoid', 'focal+l1', 'focal+giou', 'focal+l1+giou', 'ce+l1', 'ce+giou', 'ce+l1+giou'];
const root = path.resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    losses: { type: 'string' },
    parallel: { type: 'string', default: '2' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/loss-table' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: pnpm loss-table [--losses a,b,...] [--parallel 2] [--seed 0] [--out runs/loss-table]');
  process.exit(0);
}
const losses = values.losses ? values.losses.split(',').filter(Boolean) : DEFAULT_LOSSES;
const parallel = Number(values.parallel);
if (!Number.isInteger(parallel) || parallel < 1) fail(`--parallel must be an integer >= 1, got '${values.parallel}'`);
const outDir = path.resolve(root, values.out);
mkdirSync(outDir, { recursive: true });

function fail(message) {
  console.error(`loss-table: error: ${message}`);
  process.exit(1);
}

/** Loss names are also folder names: keep them readable but path-safe. */
const runDirOf = (loss) => path.join(outDir, loss.replace(/[^A-Za-z0-9+.-]/g, '_'));

/** Trains one loss to completion (or continues it); resolves with the exit code. */
function train(loss) {
  const runDir = runDirOf(loss);
  if (existsSync(path.join(runDir, 'eval.json'))) {
    console.log(`[${loss}] already done: ${path.relative(root, runDir)}`);
    return Promise.resolve(0);
  }
  const resume = existsSync(path.join(runDir, 'manifest.json'));
  const args = resume
    ? ['apps/train/bin/apdet-train.mjs', 'retinanet', '--resume', runDir]
    : ['apps/train/bin/apdet-train.mjs', 'retinanet', '--loss', loss, '--seed', values.seed, '--threads', '1', '--out', runDir];
  console.log(`[${loss}] ${resume ? 'resuming' : 'training'}: node ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let last = '';
    child.stderr.on('data', (chunk) => {
      for (const line of String(chunk).split(/[\r\n]+/)) if (line.trim()) last = line.trim();
    });
    const timer = setInterval(() => console.log(`[${loss}] ${last}`), 60_000);
    child.on('close', (code) => {
      clearInterval(timer);
      console.log(`[${loss}] ${code === 0 ? 'finished' : `failed (exit ${code}): ${last}`}`);
      resolve(code ?? 1);
    });
  });
}

/** The checkout's commit, or null outside git (then no staleness check is possible). */
function headCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
const head = headCommit();

/**
 * Whether code changed between a run's commit and HEAD (documentation does not count, so
 * committing the table itself does not make it stale). Unknown commits count as changed.
 */
function codeChangedSince(commit) {
  if (head === null) return false;
  if (commit === null) return true;
  try {
    execFileSync('git', ['diff', '--quiet', commit, 'HEAD', '--', '.', ':(exclude)*.md'], { cwd: root, stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

/**
 * One table row from a finished run folder, or null. A row reused from a run of older code may
 * not match the current default config: it is kept (re-training costs minutes) but flagged, so
 * a stale table cannot pass for a fresh one.
 */
function rowOf(loss) {
  const file = path.join(runDirOf(loss), 'eval.json');
  if (!existsSync(file)) return null;
  const e = JSON.parse(readFileSync(file, 'utf8'));
  const manifest = JSON.parse(readFileSync(path.join(runDirOf(loss), 'manifest.json'), 'utf8'));
  const commit = manifest.git?.commit ?? null;
  const stale = codeChangedSince(commit);
  if (stale) console.warn(`loss-table: warning: ${loss} was trained with older code (commit ${commit?.slice(0, 7) ?? 'unknown'}, HEAD ${head?.slice(0, 7)}); delete ${path.relative(root, runDirOf(loss))} to retrain it`);
  const [ap, ap50, ap75, aps, apm] = e.stats;
  return { loss, ap, ap50, ap75, aps, apm, trainMinutes: e.trainSeconds / 60, commit, stale, run: path.relative(root, runDirOf(loss)) };
}

function writeAtomically(file, text) {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

const queue = [...losses];
const codes = [];
await Promise.all(
  Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    while (queue.length > 0) codes.push(await train(queue.shift()));
  }),
);

const rows = losses.map(rowOf).filter(Boolean);
const f3 = (x) => (x < 0 ? 'n/a' : x.toFixed(3));
const table = [
  `| --loss | AP | AP50 | AP75 | APs | APm | train min |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map((r) => `| \`${r.loss}\`${r.stale ? ' (older code)' : ''} | ${f3(r.ap)} | ${f3(r.ap50)} | ${f3(r.ap75)} | ${f3(r.aps)} | ${f3(r.apm)} | ${r.trainMinutes.toFixed(1)} |`),
].join('\n');
writeAtomically(path.join(outDir, 'table.md'), `${table}\n`);
writeAtomically(path.join(outDir, 'table.json'), `${JSON.stringify({ seed: Number(values.seed), parallel, rows }, null, 2)}\n`);
console.log(`\n${table}\n\nwritten: ${path.relative(root, path.join(outDir, 'table.md'))}, table.json`);
process.exit(codes.every((c) => c === 0) ? 0 : 1);
