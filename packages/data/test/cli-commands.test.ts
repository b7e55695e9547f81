/** apdet-data's commands and flags, parsed in process (the CLI itself is tested in cli.test.ts). */
import { describe, expect, it } from 'vitest';
import { helpText, parseDataCommand } from '../src/cli-commands.js';
import { DEFAULT_SHAPES_DIR, SHAPES_DEFAULTS } from '../src/shapes/make-shapes.js';

describe('parseDataCommand', () => {
  it('parses each command into a typed object with the defaults filled in', () => {
    expect(parseDataCommand(['make-shapes'])).toEqual({
      command: 'make-shapes',
      out: DEFAULT_SHAPES_DIR,
      ...SHAPES_DEFAULTS,
    });
    expect(
      parseDataCommand(['make-shapes', '--out', 'd', '--train', '10', '--val=3', '--size', '64', '--seed', '1']),
    ).toEqual({
      command: 'make-shapes',
      out: 'd',
      train: 10,
      val: 3,
      size: 64,
      seed: 1,
    });
    expect(parseDataCommand(['validate', 'a.json'])).toEqual({
      command: 'validate',
      file: 'a.json',
      maxProblems: Number.MAX_SAFE_INTEGER,
    });
    expect(parseDataCommand(['validate', 'a.json', '--images', 'img', '--max-problems', '5'])).toEqual({
      command: 'validate',
      file: 'a.json',
      images: 'img',
      maxProblems: 5,
    });
    expect(
      parseDataCommand(['split', 'a.json', '--ratio', '0.8', '--out-train', 't.json', '--out-val', 'v.json']),
    ).toEqual({
      command: 'split',
      file: 'a.json',
      ratio: 0.8,
      seed: 0,
      outTrain: 't.json',
      outVal: 'v.json',
    });
    expect(parseDataCommand(['browse', 'a.json', '--images', 'img', '--out', 'o'])).toEqual({
      command: 'browse',
      file: 'a.json',
      images: 'img',
      out: 'o',
      n: 16,
    });
    expect(parseDataCommand(['browse', 'a.json', '--images', 'img', '--out', 'o', '--seed', '2'])).toMatchObject({
      seed: 2,
    });
  });

  it('asks for help: no command, -h/--help, `help [command]`', () => {
    expect(parseDataCommand([])).toEqual({ command: 'help' });
    expect(parseDataCommand(['--help'])).toEqual({ command: 'help' });
    expect(parseDataCommand(['help'])).toEqual({ command: 'help' });
    expect(parseDataCommand(['help', 'split'])).toEqual({ command: 'help', topic: 'split' });
    expect(parseDataCommand(['validate', 'a.json', '-h'])).toEqual({ command: 'help', topic: 'validate' });
  });

  const errors: [string[], RegExp][] = [
    [['frobnicate'], /^unknown command 'frobnicate'; see apdet-data --help$/],
    [['validat', 'a.json'], /^unknown command 'validat' \(did you mean validate\?\); see apdet-data --help$/],
    [['--verbose'], /^unknown option '--verbose'; see apdet-data --help$/],
    [['validate'], /^missing required argument 'instances.json'; see apdet-data validate --help$/],
    [
      ['validate', 'a.json', 'b.json'],
      /^too many arguments for 'validate'\. Expected 1 argument but got 2; see apdet-data validate --help$/,
    ],
    [['make-shapes', '--train', 'many'], /^--train must be an integer >= 0, got 'many'$/],
    [['make-shapes', '--out', ''], /^--out needs a directory, got an empty string$/],
    [['validate', 'a.json', '--max-problems', '-1'], /^--max-problems must be an integer >= 0, got '-1'$/],
    [
      ['split', 'a.json', '--out-train', 't', '--out-val', 'v'],
      /^required option '--ratio <x>' not specified; see apdet-data split --help$/,
    ],
    [
      ['split', 'a.json', '--ratio', 'half', '--out-train', 't', '--out-val', 'v'],
      /^--ratio must be a number in \(0, 1\), got 'half'$/,
    ],
    [['browse', 'a.json', '--images', 'i', '--out', 'o', '--n', '0'], /^--n must be an integer >= 1, got '0'$/],
  ];
  it.each(errors)('rejects %j in one line', (argv, message) => {
    expect(() => parseDataCommand(argv)).toThrow(message);
  });

  it('generates the help of the program and of each command', () => {
    expect(helpText()).toMatch(/^Usage: apdet-data <command> \[flags\]\n/);
    for (const command of ['make-shapes', 'validate', 'split', 'browse']) {
      expect(helpText()).toMatch(new RegExp(`^ {2}${command} \\[options\\]`, 'm'));
      expect(helpText(command)).toMatch(new RegExp(`^Usage: apdet-data ${command} \\[options\\]`));
    }
    expect(helpText('make-shapes')).toMatch(/--train <n> +training images \(default: 4000\)/);
  });
});
