/**
 * apdet-data: `apdet-data <command> [flags]` (the commands and flags are defined in
 * cli-commands.ts; commander generates `--help` from them). User errors print one line and exit
 * non-zero (runCli).
 */
import { readJsonFile, runCli, UserError } from '@apdet/io';
import {
  helpText,
  parseDataCommand,
  type BrowseCommand,
  type MakeShapesCommand,
  type SplitCommand,
  type ValidateCommand,
} from './cli-commands.js';
import { validateCoco } from './coco/validate.js';
import { ensureShapesDataset } from './shapes/make-shapes.js';
import { browseDataset } from './tools/browse.js';
import { checkImageFiles } from './tools/check-images.js';
import { splitCoco } from './tools/split.js';

async function main(argv: string[]): Promise<void> {
  const command = parseDataCommand(argv);
  switch (command.command) {
    case 'make-shapes':
      return makeShapesCommand(command);
    case 'validate':
      return validateCommand(command);
    case 'split':
      return splitCommand(command);
    case 'browse':
      return browseCommand(command);
    case 'help':
      process.stdout.write(helpText(command.topic));
      return;
  }
}

async function makeShapesCommand({ out, ...options }: MakeShapesCommand): Promise<void> {
  // With no image to write nothing is generated, and the output said "already holds" (issue 22 item 18).
  if (options.train === 0 && options.val === 0)
    throw new UserError('make-shapes: --train and --val are both 0: nothing to generate');
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
  const what = `${options.train} train + ${options.val} val`;
  if (!generated) {
    process.stdout.write(`${out} already holds this shapes dataset (${what}, seed ${options.seed}); nothing to do\n`);
    return;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${what} images (${options.size}x${options.size}, seed ${options.seed}) in ${seconds} s\n` +
      `  ${paths.trainAnnotations}  images: ${paths.trainImages}\n` +
      `  ${paths.valAnnotations}  images: ${paths.valImages}\n`,
  );
}

async function validateCommand({ file, images, maxProblems }: ValidateCommand): Promise<void> {
  const json = await readJsonFile(file);
  const report = validateCoco(json);
  if (images !== undefined) {
    const records = (json as { images?: unknown }).images;
    const imageProblems = await checkImageFiles(Array.isArray(records) ? records : [], images);
    report.problems.push(...imageProblems);
    report.errorCount += imageProblems.length;
    report.ok = report.errorCount === 0;
  }
  for (const p of report.problems.slice(0, maxProblems)) {
    process.stdout.write(`${file}: ${p.severity}: ${p.record}: ${p.message}\n`);
  }
  if (report.problems.length > maxProblems) {
    process.stdout.write(`... ${report.problems.length - maxProblems} more problems not shown (--max-problems)\n`);
  }
  const byKind = new Map<string, number>();
  for (const p of report.problems)
    byKind.set(`${p.severity} ${p.kind}`, (byKind.get(`${p.severity} ${p.kind}`) ?? 0) + 1);
  const c = report.counts;
  process.stdout.write(
    `${file}: ${c.images} images, ${c.annotations} annotations (${c.crowdAnnotations} crowd), ` +
      `${c.categories} categories, ${c.imagesWithoutAnnotations} images without annotations\n` +
      `${report.errorCount} errors, ${report.warningCount} warnings` +
      [...byKind].map(([k, n]) => `\n  ${n} ${k}`).join('') +
      '\n',
  );
  if (!report.ok) process.exitCode = 1;
}

async function splitCommand({ file, ratio, seed, outTrain, outVal }: SplitCommand): Promise<void> {
  const result = await splitCoco({ input: file, ratio, seed, outTrain, outVal });
  process.stdout.write(`split ${file}: ${result.train} images -> ${outTrain}, ${result.val} images -> ${outVal}\n`);
}

async function browseCommand({ file, images, out, n, seed }: BrowseCommand): Promise<void> {
  const written = await browseDataset({ annotations: file, images, out, n, ...(seed !== undefined ? { seed } : {}) });
  process.stdout.write(`wrote ${written.length} images to ${out}\n`);
}

runCli(() => main(process.argv.slice(2)), 'apdet-data');
