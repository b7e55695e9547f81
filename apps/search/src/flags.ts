/**
 * Command-line flags of apdet-search, defined with commander (which also generates `--help`), and
 * their validation into typed values. Two commands: `apdet-search <detector> [flags]` runs a
 * search, the subcommand `apdet-search worker --redis <url>` serves a BullMQ queue. Every problem
 * is a one-line UserError (see packages/io/src/command-line.ts).
 */
import os from 'node:os';
import { Command, Option } from 'commander';
import {
  choiceOption,
  helpText as commandHelp,
  integerOption,
  nonEmptyOption,
  parseCommandLine as parseWith,
  UserError,
} from '@apdet/io';
import { detectorNames } from '@apdet/train';
import { DEFAULT_PROXY } from './proxy-defaults.js';

/** A registered detector's name (the registry of @apdet/train); flags are checked against it. */
export type DetectorName = string;
export type RunnerName = 'local' | 'bullmq';
export type BackendFlag = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
const RUNNERS: readonly RunnerName[] = ['local', 'bullmq'];
const BACKENDS: readonly BackendFlag[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export const DEFAULT_ROUNDS = 8;
export const DEFAULT_SAMPLES = 8;
/** The official search's seed (docs/spec/paper-spec.md §7.2). */
export const DEFAULT_SEARCH_SEED = 42;

/** A parsed `apdet-search <detector>` command line; absent flags are undefined. */
export interface SearchFlags {
  command: 'search';
  detector: DetectorName;
  rounds?: number;
  samples?: number;
  workers?: number;
  runner: RunnerName;
  redis?: string;
  proxyImages?: number;
  proxyValImages?: number;
  proxyEpochs?: number;
  proxyInit?: string;
  proxyPretrainEpochs?: number;
  seed?: number;
  backend?: BackendFlag;
  out?: string;
  resume?: string;
}

export interface WorkerFlags {
  command: 'worker';
  redis: string;
  concurrency: number;
}

/** `--help` of the search (no topic) or of the worker subcommand. */
export interface HelpRequest {
  command: 'help';
  topic?: 'worker';
}

export type CliCommand = SearchFlags | WorkerFlags | HelpRequest;

/** commander's (camel-cased) option values of the search: SearchFlags' fields. */
type SearchOptions = Omit<SearchFlags, 'command' | 'detector' | 'runner'> & { runner?: RunnerName };
/** commander's option values of the worker. */
type WorkerOptions = { redis?: string; concurrency?: number };

/** What the actions of {@link searchProgram} found. */
type Parsed =
  | { command: 'search'; args: string[]; options: SearchOptions }
  | { command: 'worker'; args: string[]; options: WorkerOptions };

function searchProgram(found: (parsed: Parsed) => void = () => {}): Command {
  const program = new Command('apdet-search')
    .usage('<detector> [flags]')
    .description(
      "Searches the Parameterized AP loss's control points and gradient scale with PPO (paper §7): each round " +
        'samples --samples loss parameter sets, trains the detector briefly on a proxy split of the training set ' +
        'with each (in parallel), and moves the policy toward the best rewards.',
    )
    .argument('[detector]', `the detector whose loss is searched: ${detectorNames().join(', ')}`)
    .allowExcessArguments()
    // Options after `worker` belong to the worker (its --redis is not the search's).
    .enablePositionalOptions()
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .option('--rounds <n>', `policy updates (default ${DEFAULT_ROUNDS})`, integerOption('--rounds', 1))
    // The advantage is R − mean(R): one sample never moves the policy.
    .option('--samples <n>', `proxy trainings per round (default ${DEFAULT_SAMPLES})`, integerOption('--samples', 2))
    .option(
      '--workers <n>',
      `local runner: parallel proxy trainings (default: number of cores, ${os.availableParallelism()})`,
      integerOption('--workers', 1),
    )
    .addOption(
      new Option(
        '--runner <name>',
        'where proxy trainings run (default local; bullmq: a Redis queue served by `apdet-search worker`)',
      )
        .choices(RUNNERS)
        .argParser(choiceOption('--runner', RUNNERS)),
    )
    .option('--redis <url>', 'Redis URL for --runner bullmq, e.g. redis://127.0.0.1:6379', redisUrl)
    .option(
      '--proxy-images <n>',
      `proxy training images (default ${DEFAULT_PROXY.trainImages})`,
      integerOption('--proxy-images', 1),
    )
    .option(
      '--proxy-val-images <n>',
      `proxy held-out images the reward is measured on (default ${DEFAULT_PROXY.valImages})`,
      integerOption('--proxy-val-images', 1),
    )
    .option(
      '--proxy-epochs <n>',
      `proxy training epochs (default ${DEFAULT_PROXY.epochs})`,
      integerOption('--proxy-epochs', 1),
    )
    .option(
      '--proxy-pretrain-epochs <n>',
      `warm start: before round 1, train ${DEFAULT_PROXY.pretrainLoss} once on proxy-train for n epochs; every ` +
        `proxy's backbone and FPN start from it (default ${DEFAULT_PROXY.pretrainEpochs}; 0: from scratch)`,
      integerOption('--proxy-pretrain-epochs', 0),
    )
    .option(
      '--proxy-init <file>',
      'warm start from this apdet-train checkpoint instead (the head starts fresh)',
      nonEmptyOption('--proxy-init', 'a checkpoint file'),
    )
    .option(
      '--seed <n>',
      `search seed: policy samples, proxy split, training seeds (default ${DEFAULT_SEARCH_SEED})`,
      integerOption('--seed', 0),
    )
    .addOption(
      new Option('--backend <name>', 'tfjs backend of the proxy trainings (default wasm)')
        .choices(BACKENDS)
        .argParser(choiceOption('--backend', BACKENDS)),
    )
    .option(
      '--out <dir>',
      'search folder (default runs/search-<detector>-<timestamp>)',
      nonEmptyOption('--out', 'a directory'),
    )
    .option(
      '--resume <dir>',
      'continue an interrupted search; finished proxy trainings are not redone',
      nonEmptyOption('--resume', 'a directory'),
    )
    .addHelpText(
      'after',
      '\nexamples:\n  pnpm nx search retinanet --rounds 8 --samples 8\n' +
        '  apdet-search retinanet --runner bullmq --redis redis://127.0.0.1:6379\n' +
        '  apdet-search worker --redis redis://127.0.0.1:6379 --concurrency 2',
    )
    .action((_detector: unknown, options: SearchOptions, command: Command) => {
      found({ command: 'search', args: command.args, options });
    });
  program
    .command('worker')
    .usage('--redis <url> [flags]')
    .description(
      'Serve the BullMQ queue of an `apdet-search <detector> --runner bullmq` search: run its proxy trainings.',
    )
    .allowExcessArguments()
    .helpOption('-h, --help', 'show this help')
    .option('--redis <url>', 'the Redis the search enqueues to (required), e.g. redis://127.0.0.1:6379', redisUrl)
    .option(
      '--concurrency <n>',
      'proxy trainings at a time in this worker (default 1; one core each)',
      integerOption('--concurrency', 1),
    )
    .action((options: WorkerOptions, command: Command) => {
      found({ command: 'worker', args: command.args, options });
    });
  return program;
}

/**
 * Parses apdet-search's arguments (after the program name): the search, the `worker` subcommand,
 * or `--help` (print {@link helpText} of the request's topic). Anything wrong is a one-line UserError.
 *
 * @example
 * parseCommandLine(['retinanet', '--rounds', '3']);
 * // { command: 'search', detector: 'retinanet', runner: 'local', rounds: 3 }
 * parseCommandLine(['worker', '--redis', 'redis://127.0.0.1:6379']);
 * // { command: 'worker', redis: 'redis://127.0.0.1:6379', concurrency: 1 }
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed: Parsed | undefined;
  const outcome = parseWith(
    searchProgram((p) => (parsed = p)),
    argv,
    'apdet-search',
  );
  if (outcome.help) return outcome.path[0] === 'worker' ? { command: 'help', topic: 'worker' } : { command: 'help' };
  if (parsed === undefined) throw new Error('apdet-search: commander ran no action');
  return parsed.command === 'worker' ? workerFlags(parsed) : searchFlags(parsed);
}

/** {@link parseCommandLine} of a search command line (a `worker` one is an error here). */
export function parseSearchFlags(argv: readonly string[]): SearchFlags | HelpRequest {
  const command = parseCommandLine(argv);
  if (command.command === 'worker') throw new UserError("expected a search command line, got 'worker'");
  return command;
}

/** {@link parseCommandLine} of the worker's flags (`argv` without the word `worker`). */
export function parseWorkerFlags(argv: readonly string[]): WorkerFlags | HelpRequest {
  const command = parseCommandLine(['worker', ...argv]);
  if (command.command === 'search') throw new Error('apdet-search: the worker parsed as a search');
  return command;
}

/** The help commander generates for the search, or for the worker subcommand. */
export function helpText(topic?: 'worker'): string {
  return commandHelp(searchProgram(), topic === undefined ? [] : [topic]);
}

function searchFlags({ args, options }: Extract<Parsed, { command: 'search' }>): SearchFlags {
  const [detector, ...extra] = args;
  const names = detectorNames();
  if (detector === undefined) {
    throw new UserError(`missing <detector> (one of ${names.join(', ')}) or 'worker'; see apdet-search --help`);
  }
  if (!names.includes(detector)) throw new UserError(`unknown detector '${detector}'; available: ${names.join(', ')}`);
  if (extra.length > 0) {
    throw new UserError(`unexpected argument '${extra[0]}' (flags start with --; see apdet-search --help)`);
  }
  const flags: SearchFlags = { command: 'search', detector, ...options, runner: options.runner ?? 'local' };
  const { runner } = flags;
  if (runner === 'bullmq' && flags.redis === undefined) {
    throw new UserError('--runner bullmq needs --redis <url> (e.g. redis://127.0.0.1:6379)');
  }
  if (runner === 'local' && flags.redis !== undefined) throw new UserError('--redis applies to --runner bullmq only');
  if (runner === 'bullmq' && flags.workers !== undefined) {
    throw new UserError(
      '--workers applies to --runner local; with bullmq start `apdet-search worker --redis <url>` processes instead',
    );
  }
  if (flags.proxyInit !== undefined && flags.proxyPretrainEpochs !== undefined && flags.proxyPretrainEpochs > 0) {
    throw new UserError('--proxy-init gives the warm start; drop --proxy-pretrain-epochs (or set it to 0)');
  }
  // `--resume <dir>` with the original `--out` is accepted; searchCommand checks that they agree.
  return flags;
}

function workerFlags({ args, options }: Extract<Parsed, { command: 'worker' }>): WorkerFlags {
  if (args.length > 0) throw new UserError(`apdet-search worker takes no arguments, got '${args[0]}'`);
  if (options.redis === undefined) {
    throw new UserError('apdet-search worker needs --redis <url> (the Redis the search enqueues to)');
  }
  return { command: 'worker', redis: options.redis, concurrency: options.concurrency ?? 1 };
}

/** Checks the URL's shape now so a typo fails before any proxy data or worker is set up. */
export function redisUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--redis must be a URL like redis://host:6379, got '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UserError(`--redis must use redis:// or rediss://, got '${text}'`);
  }
  if (url.hostname === '') throw new UserError(`--redis has no host: '${text}'`);
  return text;
}

/** The search's help text, made once at load (kept for library callers; {@link helpText} makes it on demand). */
export const USAGE = helpText();
