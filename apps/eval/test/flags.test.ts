/** apdet-eval's flags, parsed in process (the CLI's one-line errors and --help are in cli.test.ts). */
import { describe, expect, it } from 'vitest';
import { helpText, parseFlags } from '../src/flags.js';

describe('parseFlags', () => {
  it('keys the flags as the modes read them; absent flags are left out', () => {
    expect(parseFlags(['--gt', 'g.json', '--dt', 'd.json', '--use-cats', '0', '--timing-json', 't.json'])).toEqual({
      gt: 'g.json',
      dt: 'd.json',
      'use-cats': '0',
      'timing-json': 't.json',
    });
    expect(parseFlags(['--run=runs/a', '--backend', 'cpu', '--data', 'd', '--out', 'o.json'])).toEqual({
      run: 'runs/a',
      backend: 'cpu',
      data: 'd',
      out: 'o.json',
    });
    expect(parseFlags([])).toEqual({});
    expect(parseFlags(['-h'])).toEqual({ help: true });
    expect(parseFlags(['--gt', 'g.json', '--help'])).toEqual({ help: true });
  });

  const errors: [string[], RegExp][] = [
    [['--gtt', 'x'], /^unknown option '--gtt' \(did you mean --gt\?\); see apdet-eval --help$/],
    [['--gt'], /^option '--gt <instances.json>' argument missing; see apdet-eval --help$/],
    [['--gt', 'g.json', 'extra'], /^unexpected argument 'extra' \(flags start with --; see apdet-eval --help\)$/],
    [['--run', 'r', '--backend', 'gpu'], /^--backend must be tensorflow, webgpu, wasm or cpu, got 'gpu'$/],
  ];
  it.each(errors)('rejects %j', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(message);
  });

  it('has a help generated from the flags, naming the registered detectors', () => {
    const text = helpText();
    expect(text).toMatch(/^Usage: apdet-eval \[flags\]\n/);
    for (const flag of [
      '--gt',
      '--dt',
      '--use-cats',
      '--out',
      '--timing-json',
      '--run',
      '--checkpoint',
      '--data',
      '--backend',
    ]) {
      expect(text).toMatch(new RegExp(`^ {2}${flag} <`, 'm'));
    }
    expect(text).toMatch(/detectors: retinanet/);
  });
});
