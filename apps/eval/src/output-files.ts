/**
 * apdet-eval's outputs (`--out`, `--timing-json`) checked before any evaluation: neither may be
 * one of the inputs (writing it would replace the ground truth or the detections: the result
 * JSON is written over the file atomically), nor each other, and each must be writable as a
 * regular file (not a directory, no file on its path, a writable folder).
 */
import { UserError } from '@apdet/io';
import { checkOutputPath, sameFile } from '@apdet/train';
import type { Flags } from './flags.js';

/**
 * Checks `--out` and `--timing-json` against `inputs` (`[what it is, path]`, e.g.
 * `['the --gt file', gt]` or `["the run's manifest", file]`) and the file system.
 *
 * @example
 * await checkOutputFiles(flags, [['the --gt file', flags.gt], ['the --dt file', flags.dt]]);
 */
export async function checkOutputFiles(flags: Flags, inputs: readonly (readonly [string, string])[]): Promise<void> {
  const outputs = (
    [
      ['--out', flags.out],
      ['--timing-json', flags['timing-json']],
    ] as const
  ).filter((o): o is readonly ['--out' | '--timing-json', string] => o[1] !== undefined);
  for (const [flag, file] of outputs) {
    for (const [label, input] of inputs) {
      if (sameFile(file, input)) {
        throw new UserError(`${flag} ${file} is ${label}; writing it would replace it, choose another file`);
      }
    }
    await checkOutputPath(file, 'file', `${flag} ${file}`);
  }
  if (outputs.length === 2 && sameFile(outputs[0][1], outputs[1][1])) {
    throw new UserError(`--out and --timing-json are the same file (${outputs[0][1]}); give two files`);
  }
}
