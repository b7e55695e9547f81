/**
 * Command lines on commander, the CLI library of every apdet app (docs/spec/field.md, "CLI
 * parsers"): the apps define their options and subcommands with commander, which also generates
 * `--help`; this module makes commander fit {@link runCli}. Parsing never exits the process and
 * never prints: a user mistake is one {@link UserError} line, and `--help` is a result the CLI
 * acts on (it prints the help to stdout and exits 0).
 *
 * @apdet/io does not depend on commander: it configures any object shaped like its `Command`.
 */
import { UserError } from './user-error.js';

/** Where a command writes; commander's `OutputConfiguration`, the part used here. */
export interface CommandOutput {
  writeOut?: (text: string) => void;
  writeErr?: (text: string) => void;
  outputError?: (text: string, write: (text: string) => void) => void;
}

/** The part of commander's `Command` used here (a commander `Command` is one). */
export interface CommandLike {
  readonly commands: readonly CommandLike[];
  name(): string;
  exitOverride(): unknown;
  configureOutput(output: CommandOutput): unknown;
  parse(argv: readonly string[], options: { from: 'user' }): unknown;
  outputHelp(): void;
}

/** A parsed command line, or a request for the help of a command (`path`: subcommand names, [] = the program). */
export type ParseOutcome = { help: false } | { help: true; path: string[] };

/**
 * Parses `argv` (the arguments after the program name) with `program`, whose option parsers may
 * throw UserErrors of their own. commander's errors (unknown option, missing value, missing or
 * excess arguments, unknown command) become one UserError line ending with `see <program> --help`;
 * `-h`/`--help` anywhere, and a program with subcommands called without one, give `{ help: true }`.
 *
 * @example
 * const program = new Command('apdet-eval').option('--gt <file>', 'COCO instances JSON');
 * if (parseCommandLine(program, argv, 'apdet-eval').help) process.stdout.write(helpText(program));
 */
export function parseCommandLine(program: CommandLike, argv: readonly string[], programName: string): ParseOutcome {
  let failedIn: string[] = [];
  let helpOf: string[] = [];
  const configure = (command: CommandLike, path: string[]): void => {
    command.exitOverride();
    command.configureOutput({
      // Help text goes to writeOut (or writeErr when commander shows it for a missing subcommand);
      // the CLI prints it itself, so here it only tells which command's help was asked for.
      writeOut: () => {
        helpOf = path;
      },
      writeErr: () => {
        helpOf = path;
      },
      outputError: () => {
        failedIn = path;
      },
    });
    for (const sub of command.commands) configure(sub, [...path, sub.name()]);
  };
  configure(program, []);
  try {
    program.parse(argv, { from: 'user' });
    return { help: false };
  } catch (error) {
    const code = commanderCode(error);
    if (code === undefined) throw error;
    if (code === 'commander.helpDisplayed' || code === 'commander.help') return { help: true, path: helpOf };
    const message = oneLine((error as Error).message);
    throw new UserError(`${message}; see ${[programName, ...failedIn].join(' ')} --help`);
  }
}

/** The help commander generates for `program` or one of its subcommands (with any `addHelpText`). */
export function helpText(program: CommandLike, path: readonly string[] = []): string {
  let command = program;
  for (const name of path) command = command.commands.find((c) => c.name() === name) ?? command;
  let text = '';
  command.configureOutput({
    writeOut: (chunk) => {
      text += chunk;
    },
  });
  command.outputHelp();
  return text;
}

/** commander's error code (`commander.unknownOption`, …) of a CommanderError, else undefined. */
function commanderCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('commander.') ? code : undefined;
}

/**
 * One line from commander's message:
 * `error: unknown option '--round'\n(Did you mean --rounds?)` → `unknown option '--round' (did you mean --rounds?)`.
 */
function oneLine(message: string): string {
  return message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean/g, ' (did you mean')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\.$/, '');
}

/** An option value parser: an integer ≥ `min` (any integer without `min`), else a one-line UserError. */
export function integerOption(flag: string, min?: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(n) || (min !== undefined && n < min)) {
      throw new UserError(`${flag} must be an integer${min === undefined ? '' : ` >= ${min}`}, got '${text}'`);
    }
    return n;
  };
}

/** An option value parser: a finite number > 0, else a one-line UserError. */
export function positiveNumberOption(flag: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new UserError(`${flag} must be a number > 0, got '${text}'`);
    return n;
  };
}

/** An option value parser: one of `choices` (`--backend must be tensorflow, wasm or cpu, got 'x'`). */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new UserError(`${flag} must be ${orList(choices)}, got '${text}'`);
    }
    return text as T;
  };
}

/** An option value parser: any text but an empty one (`--out needs a directory, got an empty string`). */
export function nonEmptyOption(flag: string, what = 'a value'): (text: string) => string {
  return (text) => {
    if (text.trim() === '') throw new UserError(`${flag} needs ${what}, got an empty string`);
    return text;
  };
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/**
 * The command-line spelling of an option key, for messages: `proxyEpochs` → `--proxy-epochs`.
 *
 * @example
 * flagName('lossParams'); // "--loss-params"
 */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
