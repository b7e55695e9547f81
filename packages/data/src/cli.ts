import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readJsonFile, runCli, UserError } from '@apdet/io';
import { validateCoco } from './coco/validate.js';
import { DEFAULT_SHAPES_DIR, ensureShapesDataset, SHAPES_DEFAULTS } from './shapes/make-shapes.js';
import { browseDataset } from './tools/browse.js';
import { checkImageFiles } from './tools/check-images.js';
import { splitCoco } from './tools/split.js';

const USAGE = `usage: apdet-data <command> [options]

commands:
  make-shapes [--out data/shapes] [--train 4000] [--val 500] [--size 128] [--seed 0]
      generate the built-in shapes dataset (COCO format); kept if already there
  validate <instances.json> [--images <dir>] [--max-problems N]
      report every problem with its record, and counts; exit 1 on errors
  split <instances.json> --ratio 0.8 --seed 0 --out-train <file> --out-val <file>
      seeded split by image
  browse <instances.json> --images <dir> --out <dir> [--n 16] [--seed S]
      draw ground-truth boxes and class names onto PNGs
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'make-shapes':
      return makeShapesCommand(rest);
    case 'validate':
      return validateCommand(rest);
    case 'split':
      return splitCommand(rest);
    case 'browse':
      return browseCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UserError(`unknown command "${command}"\n${USAGE}`);
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, positionals: number): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if ((parsed.values as Record<string, unknown>).help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length !== positionals) throw new UserError(`expected ${positionals} file argument${positionals === 1 ? '' : 's'}, got ${parsed.positionals.length}\n${USAGE}`);
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

function integer(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isSafeInteger(n)) throw new UserError(`--${name} must be an integer, got ${String(value)}`);
  return n;
}

function required(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UserError(`--${name} is required\n${USAGE}`);
  return value;
}

async function makeShapesCommand(args: string[]): Promise<void> {
  const { values } = parse(args, { out: { type: 'string' }, train: { type: 'string' }, val: { type: 'string' }, size: { type: 'string' }, seed: { type: 'string' } }, 0);
  const out = typeof values.out === 'string' ? values.out : DEFAULT_SHAPES_DIR;
  const options = {
    train: integer(values.train, 'train', SHAPES_DEFAULTS.train),
    val: integer(values.val, 'val', SHAPES_DEFAULTS.val),
    size: integer(values.size, 'size', SHAPES_DEFAULTS.size),
    seed: integer(values.seed, 'seed', SHAPES_DEFAULTS.seed),
  };
  const started = Date.now();
  let lastReport = 0;
  let generated = false;
  // Atomic (temp dir + rename) and idempotent: an existing dataset with the same options is kept.
  const paths = await ensureShapesDataset(out, options, (done, total) => {
    generated = true;
    if (process.stderr.isTTY && (Date.now() - lastReport > 250 || done === total)) {
      lastReport = Date.now();
      process.stderr.write(`\rshapes: ${done}/${total} images`);
    }
  });
  if (process.stderr.isTTY && generated) process.stderr.write('\n');
  if (!generated) {
    process.stdout.write(`${out} already holds this shapes dataset (${options.train} train + ${options.val} val, seed ${options.seed}); nothing to do\n`);
    return;
  }
  process.stdout.write(
    `wrote ${options.train} train + ${options.val} val images (${options.size}x${options.size}, seed ${options.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      `  ${paths.trainAnnotations}  images: ${paths.trainImages}\n  ${paths.valAnnotations}  images: ${paths.valImages}\n`,
  );
}

async function validateCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { images: { type: 'string' }, 'max-problems': { type: 'string' } }, 1);
  const file = positionals[0]!;
  const json = await readJsonFile(file);
  const report = validateCoco(json);
  if (typeof values.images === 'string') {
    const images = (json as { images?: unknown }).images;
    const imageProblems = await checkImageFiles(Array.isArray(images) ? images : [], values.images);
    report.problems.push(...imageProblems);
    report.errorCount += imageProblems.length;
    report.ok = report.errorCount === 0;
  }
  const limit = integer(values['max-problems'], 'max-problems', Number.MAX_SAFE_INTEGER);
  for (const p of report.problems.slice(0, limit)) process.stdout.write(`${file}: ${p.severity}: ${p.record}: ${p.message}\n`);
  if (report.problems.length > limit) process.stdout.write(`... ${report.problems.length - limit} more problems not shown (--max-problems)\n`);
  const byKind = new Map<string, number>();
  for (const p of report.problems) byKind.set(`${p.severity} ${p.kind}`, (byKind.get(`${p.severity} ${p.kind}`) ?? 0) + 1);
  const c = report.counts;
  process.stdout.write(
    `${file}: ${c.images} images, ${c.annotations} annotations (${c.crowdAnnotations} crowd), ${c.categories} categories, ${c.imagesWithoutAnnotations} images without annotations\n` +
      `${report.errorCount} errors, ${report.warningCount} warnings${[...byKind].map(([k, n]) => `\n  ${n} ${k}`).join('')}\n`,
  );
  if (!report.ok) process.exitCode = 1;
}

async function splitCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { ratio: { type: 'string' }, seed: { type: 'string' }, 'out-train': { type: 'string' }, 'out-val': { type: 'string' } }, 1);
  const ratio = Number(required(values.ratio, 'ratio'));
  const result = await splitCoco({
    input: positionals[0]!,
    ratio,
    seed: integer(values.seed, 'seed', 0),
    outTrain: required(values['out-train'], 'out-train'),
    outVal: required(values['out-val'], 'out-val'),
  });
  process.stdout.write(`split ${positionals[0]!}: ${result.train} images -> ${String(values['out-train'])}, ${result.val} images -> ${String(values['out-val'])}\n`);
}

async function browseCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { images: { type: 'string' }, out: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' } }, 1);
  const written = await browseDataset({
    annotations: positionals[0]!,
    images: required(values.images, 'images'),
    out: required(values.out, 'out'),
    n: integer(values.n, 'n', 16),
    ...(values.seed !== undefined ? { seed: integer(values.seed, 'seed', 0) } : {}),
  });
  process.stdout.write(`wrote ${written.length} images to ${String(values.out)}\n`);
}

runCli(() => main(process.argv.slice(2)), 'apdet-data');
