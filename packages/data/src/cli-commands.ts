/**
 * The subcommands of apdet-data and their flags, defined with commander (which also generates
 * `--help`), parsed into typed commands. Every problem is a one-line UserError (see
 * packages/io/src/command-line.ts).
 */
import { Command } from 'commander';
import { helpText as commandHelp, integerOption, nonEmptyOption, parseCommandLine, UserError } from '@apdet/io';
import { DEFAULT_SHAPES_DIR, SHAPES_DEFAULTS } from './shapes/make-shapes.js';

/** `make-shapes`: generate the built-in shapes dataset (kept if already there). */
export interface MakeShapesCommand {
  command: 'make-shapes';
  out: string;
  train: number;
  val: number;
  size: number;
  seed: number;
}

/** `validate <instances.json>`: report every problem of a COCO file (and its image files). */
export interface ValidateCommand {
  command: 'validate';
  file: string;
  images?: string;
  maxProblems: number;
}

/** `split <instances.json>`: a seeded split by image into two COCO files. */
export interface SplitCommand {
  command: 'split';
  file: string;
  ratio: number;
  seed: number;
  outTrain: string;
  outVal: string;
}

/** `browse <instances.json>`: draw ground-truth boxes onto PNGs. */
export interface BrowseCommand {
  command: 'browse';
  file: string;
  images: string;
  out: string;
  n: number;
  seed?: number;
}

/** `--help` of the program (no topic) or of a subcommand. */
export interface DataHelpRequest {
  command: 'help';
  topic?: string;
}

export type DataCommand = MakeShapesCommand | ValidateCommand | SplitCommand | BrowseCommand | DataHelpRequest;

const FILE_ARGUMENT = ['<instances.json>', 'COCO instances JSON'] as const;

function dataProgram(found: (command: DataCommand) => void = () => {}): Command {
  const program = new Command('apdet-data')
    .usage('<command> [flags]')
    .description('Datasets in COCO format: the built-in shapes dataset, validation, splits and browsing.')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command');
  program
    .command('make-shapes')
    .description('generate the built-in shapes dataset (COCO format); kept if already there')
    .helpOption('-h, --help', 'show this help')
    .option('--out <dir>', 'dataset folder', nonEmptyOption('--out', 'a directory'), DEFAULT_SHAPES_DIR)
    .option('--train <n>', 'training images', integerOption('--train', 0), SHAPES_DEFAULTS.train)
    .option('--val <n>', 'validation images', integerOption('--val', 0), SHAPES_DEFAULTS.val)
    .option('--size <px>', 'image side (square images, 64..4096)', integerOption('--size', 1), SHAPES_DEFAULTS.size)
    .option('--seed <n>', 'generator seed', integerOption('--seed', 0), SHAPES_DEFAULTS.seed)
    .action((o: Omit<MakeShapesCommand, 'command'>) => found({ command: 'make-shapes', ...o }));
  program
    .command('validate')
    .description('report every problem with its record, and counts; exit 1 on errors')
    .argument(...FILE_ARGUMENT)
    .helpOption('-h, --help', 'show this help')
    .option('--images <dir>', 'also check that every image file exists and can be read')
    .option(
      '--max-problems <n>',
      'print at most n problems (default: all; all are counted)',
      integerOption('--max-problems', 0),
    )
    .action((file: string, o: { images?: string; maxProblems?: number }) =>
      found({ command: 'validate', file, ...o, maxProblems: o.maxProblems ?? Number.MAX_SAFE_INTEGER }),
    );
  program
    .command('split')
    .description('seeded split by image into two COCO files')
    .argument(...FILE_ARGUMENT)
    .helpOption('-h, --help', 'show this help')
    .requiredOption('--ratio <x>', 'fraction of the images in the first file, in (0, 1)', ratio)
    .option('--seed <n>', 'split seed', integerOption('--seed', 0), 0)
    .requiredOption('--out-train <file>', 'the first file', nonEmptyOption('--out-train', 'a file'))
    .requiredOption('--out-val <file>', 'the second file', nonEmptyOption('--out-val', 'a file'))
    .action((file: string, o: Omit<SplitCommand, 'command' | 'file'>) => found({ command: 'split', file, ...o }));
  program
    .command('browse')
    .description('draw ground-truth boxes and class names onto PNGs')
    .argument(...FILE_ARGUMENT)
    .helpOption('-h, --help', 'show this help')
    .requiredOption('--images <dir>', 'the image folder', nonEmptyOption('--images', 'a directory'))
    .requiredOption('--out <dir>', 'where the PNGs go', nonEmptyOption('--out', 'a directory'))
    .option('--n <n>', 'images to draw', integerOption('--n', 1), 16)
    .option('--seed <n>', 'which images: a seeded sample (default: the first n)', integerOption('--seed', 0))
    .action((file: string, o: Omit<BrowseCommand, 'command' | 'file'>) => found({ command: 'browse', file, ...o }));
  return program;
}

/**
 * Parses apdet-data's arguments (after the program name) into a command; no command or `--help`
 * gives a help request (print {@link helpText} of its topic). Anything wrong is a one-line UserError.
 *
 * @example
 * parseDataCommand(['split', 'all.json', '--ratio', '0.8', '--out-train', 'a.json', '--out-val', 'b.json']);
 * // { command: 'split', file: 'all.json', ratio: 0.8, seed: 0, outTrain: 'a.json', outVal: 'b.json' }
 */
export function parseDataCommand(argv: readonly string[]): DataCommand {
  let command: DataCommand | undefined;
  const outcome = parseCommandLine(
    dataProgram((c) => (command = c)),
    argv,
    'apdet-data',
  );
  if (outcome.help)
    return outcome.path.length === 0 ? { command: 'help' } : { command: 'help', topic: outcome.path[0] };
  if (command === undefined) throw new Error('apdet-data: commander ran no action');
  return command;
}

/** The help commander generates for apdet-data, or for one of its commands. */
export function helpText(topic?: string): string {
  return commandHelp(dataProgram(), topic === undefined ? [] : [topic]);
}

/** `--ratio`: a number; splitCoco checks that it is in (0, 1). */
function ratio(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UserError(`--ratio must be a number in (0, 1), got '${text}'`);
  return n;
}
