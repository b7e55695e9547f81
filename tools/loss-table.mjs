#!/usr/bin/env node
// The README's per-loss results table: trains a detector of the registry (apps/train/src/detectors.ts,
// `--detector`, default retinanet) in its default config on the built-in shapes dataset once per
// --loss and seed, `--parallel` runs at a time (each on one wasm
// thread), then writes the table as Markdown and JSON. Resumable: a run that already has
// eval.json is not trained again, and an interrupted run is continued with `apdet-train
// --resume`. A reused run whose commit differs from HEAD in the training code (TRAINING_CODE
// below) is marked "(older code)" in the table.
//
//   pnpm loss-table                                  # every registry loss, seed 0, 2 at a time
//   pnpm loss-table --losses param-ap:linear,focal+giou --seeds 0,1,2 --out runs/compare
//   pnpm loss-table --losses param-ap --loss-params runs/search/final-params.json --seeds 0,1,2 --out runs/searched
//
// Output: one normal run folder per loss (<out>/<loss>/) or, with several seeds, per loss and
// seed (<out>/<loss>-s<seed>/); <out>/table.md and <out>/table.json. With several seeds each
// cell is the mean ± the sample standard deviation over the seeds.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { register } from 'tsx/esm/api';

// The detectors and losses come from the registries, the command line from the CLI library of
// every apdet app (commander through @apdet/io); TypeScript sources are loaded through tsx.
register();
const { describeDetectors, detectorNames } = await import('@apdet/train');
const { describeLosses, LOSS_NAMES } = await import('@apdet/losses');
const { helpText, integerOption, parseCommandLine } = await import('@apdet/io');

const program = new Command('loss-table')
  .description('Train a registry detector once per --loss (and seed) and write the per-loss results table.')
  .option('--detector <name>', 'registry detector', 'retinanet')
  .option('--losses <a,b,...>', 'registry losses (default: all)')
  .option('--seeds <0[,1,...]>', 'training seeds; cells become mean ± std')
  .option('--seed <n>', 'one training seed (same as --seeds n)')
  .option('--loss-params <file>', '--loss-params for every run (e.g. a search result)')
  .option('--parallel <n>', 'runs at a time, one wasm thread each', integerOption('--parallel', 1), 2)
  .option('--out <dir>', 'output folder', 'runs/loss-table')
  .helpOption('-h, --help', 'show this help')
  .addHelpText('after', `\ndetectors:\n${describeDetectors()}\n\nlosses:\n${describeLosses()}`);
const root = path.resolve(import.meta.dirname, '..');

function fail(message) {
  console.error(`loss-table: error: ${message}`);
  process.exit(1);
}

try {
  if (parseCommandLine(program, process.argv.slice(2), 'pnpm loss-table').help) {
    process.stdout.write(helpText(program));
    process.exit(0);
  }
} catch (error) {
  fail(error.message);
}
const values = { ...program.opts(), 'loss-params': program.opts().lossParams };
const detector = values.detector;
if (!detectorNames().includes(detector))
  fail(`unknown --detector '${detector}'; available: ${detectorNames().join(', ')}`);
const losses = values.losses ? values.losses.split(',').filter(Boolean) : [...LOSS_NAMES];
for (const loss of losses)
  if (!LOSS_NAMES.includes(loss)) fail(`unknown loss '${loss}'; valid names: ${LOSS_NAMES.join(', ')}`);
const parallel = values.parallel;
if (values.seed !== undefined && values.seeds !== undefined) fail('give --seeds or --seed, not both');
const seeds = (values.seeds ?? values.seed ?? '0').split(',').map((text) => {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) fail(`seeds must be integers >= 0, got '${text}'`);
  return n;
});
const lossParams = values['loss-params'] === undefined ? null : path.resolve(values['loss-params']);
if (lossParams !== null && !existsSync(lossParams)) fail(`--loss-params ${values['loss-params']}: no such file`);
const outDir = path.resolve(root, values.out);
mkdirSync(outDir, { recursive: true });

/** Loss names are also folder names: keep them readable but path-safe. */
function runDirOf(loss, seed) {
  const name = loss.replace(/[^A-Za-z0-9+.-]/g, '_');
  return path.join(outDir, seeds.length === 1 ? name : `${name}-s${seed}`);
}

/** Trains one (loss, seed) to completion (or continues it); resolves with the exit code. */
function train({ loss, seed }) {
  const runDir = runDirOf(loss, seed);
  const label = seeds.length === 1 ? loss : `${loss} s${seed}`;
  if (existsSync(path.join(runDir, 'eval.json'))) {
    console.log(`[${label}] already done: ${path.relative(root, runDir)}`);
    return Promise.resolve(0);
  }
  const resume = existsSync(path.join(runDir, 'manifest.json'));
  const args = resume
    ? ['apps/train/bin/apdet-train.mjs', detector, '--resume', runDir]
    : [
        'apps/train/bin/apdet-train.mjs',
        detector,
        '--loss',
        loss,
        '--seed',
        String(seed),
        '--threads',
        '1',
        '--out',
        runDir,
        ...(lossParams === null ? [] : ['--loss-params', lossParams]),
      ];
  console.log(`[${label}] ${resume ? 'resuming' : 'training'}: node ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let last = '';
    child.stderr.on('data', (chunk) => {
      for (const line of String(chunk).split(/[\r\n]+/)) if (line.trim()) last = line.trim();
    });
    const timer = setInterval(() => console.log(`[${label}] ${last}`), 60_000);
    child.on('close', (code) => {
      clearInterval(timer);
      console.log(`[${label}] ${code === 0 ? 'finished' : `failed (exit ${code}): ${last}`}`);
      resolve(code ?? 1);
    });
  });
}

/** The checkout's commit, or null outside git (then no staleness check is possible). */
function headCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}
const head = headCommit();

/**
 * What a training run's result depends on: the packages it imports, apdet-train and the locked
 * dependency versions; not documentation, tests, benchmarks, the search or this tool (so
 * committing the table itself does not make it stale).
 */
const TRAINING_CODE = [
  'packages',
  'apps/train',
  'pnpm-lock.yaml',
  ':(exclude)*.md',
  ':(exclude)**/test/**',
  ':(exclude)**/bench/**',
  ':(exclude)packages/search',
];

/** Whether training code changed between a run's commit and HEAD. Unknown commits count as changed. */
function codeChangedSince(commit) {
  if (head === null) return false;
  if (commit === null) return true;
  try {
    execFileSync('git', ['diff', '--quiet', commit, 'HEAD', '--', ...TRAINING_CODE], { cwd: root, stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

/**
 * The result of one finished run folder, or null. A run of older code may not match the
 * current default config: it is kept (re-training costs minutes) but flagged, so a stale table
 * cannot pass for a fresh one.
 */
function resultOf(loss, seed) {
  const dir = runDirOf(loss, seed);
  if (!existsSync(path.join(dir, 'eval.json'))) return null;
  const e = JSON.parse(readFileSync(path.join(dir, 'eval.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const commit = manifest.git?.commit ?? null;
  const stale = codeChangedSince(commit);
  if (stale)
    console.warn(
      `loss-table: warning: ${path.relative(root, dir)} was trained with older code (commit ${commit?.slice(0, 7) ?? 'unknown'}, HEAD ${head?.slice(0, 7)}); delete it to retrain`,
    );
  const [ap, ap50, ap75, aps, apm] = e.stats;
  return {
    seed,
    ap,
    ap50,
    ap75,
    aps,
    apm,
    trainMinutes: e.trainSeconds / 60,
    commit,
    stale,
    run: path.relative(root, dir),
  };
}

const METRICS = ['ap', 'ap50', 'ap75', 'aps', 'apm', 'trainMinutes'];

/** Mean and sample standard deviation (n − 1; 0 for one value). */
function meanStd(xs) {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.length < 2 ? 0 : xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** One table row per loss: its runs and each metric's mean ± std over them. */
function rowOf(loss) {
  const runs = seeds.map((seed) => resultOf(loss, seed)).filter(Boolean);
  if (runs.length === 0) return null;
  const stats = Object.fromEntries(METRICS.map((m) => [m, meanStd(runs.map((r) => r[m]))]));
  return { loss, lossParams, seeds: runs.map((r) => r.seed), stale: runs.some((r) => r.stale), ...stats, runs };
}

function cell({ mean, std }, digits, many) {
  if (mean < 0) return 'n/a';
  return many ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

function markdownTable(rows) {
  const many = seeds.length > 1;
  const params = lossParams === null ? '' : ` with ${path.relative(root, lossParams)}`;
  return [
    `| --loss | ${many ? 'seeds | ' : ''}AP | AP50 | AP75 | APs | APm | train min |`,
    `| --- | ${many ? '--- | ' : ''}---: | ---: | ---: | ---: | ---: | ---: |`,
    ...rows.map((r) => {
      const name = `\`${r.loss}\`${params}${r.stale ? ' (older code)' : ''}`;
      const cells = ['ap', 'ap50', 'ap75', 'aps', 'apm'].map((m) => cell(r[m], 3, many));
      return `| ${name} | ${many ? `${r.seeds.join(', ')} | ` : ''}${cells.join(' | ')} | ${cell(r.trainMinutes, 1, false)} |`;
    }),
  ].join('\n');
}

function writeAtomically(file, text) {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

const queue = losses.flatMap((loss) => seeds.map((seed) => ({ loss, seed })));
const codes = [];
await Promise.all(
  Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    while (queue.length > 0) codes.push(await train(queue.shift()));
  }),
);

const rows = losses.map(rowOf).filter(Boolean);
const table = markdownTable(rows);
writeAtomically(path.join(outDir, 'table.md'), `${table}\n`);
writeAtomically(path.join(outDir, 'table.json'), `${JSON.stringify({ seeds, lossParams, parallel, rows }, null, 2)}\n`);
console.log(`\n${table}\n\nwritten: ${path.relative(root, path.join(outDir, 'table.md'))}, table.json`);
process.exit(codes.every((c) => c === 0) ? 0 : 1);
