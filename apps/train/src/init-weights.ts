/**
 * `--init <checkpoint>`: a warm start. The backbone and the FPN start from another run's
 * weights; the detection head keeps its fresh, seeded initialisation, so the run still learns
 * its classifier and box regressor with its own loss. This is what short runs need to learn
 * anything measurable (the loss search's proxy trainings: spec §8 starts them from ImageNet
 * weights; on the shapes dataset a short run of our own plays that part).
 */
import { existsSync } from 'node:fs';
import { UserError } from '@apdet/io';
import { loadStateDict, readSafetensors } from '@apdet/nn';
import type { RetinaNet } from '@apdet/retinanet';

/** Parameter-name prefixes that `--init` copies (RetinaNet's backbone and neck). */
export const INIT_PREFIXES: readonly string[] = ['backbone.', 'neck.'];

const inScope = (name: string): boolean => INIT_PREFIXES.some((p) => name.startsWith(p));

/**
 * Copies every `backbone.*` and `neck.*` tensor of an apdet-train checkpoint into `model`.
 * Each of those parameters must be in the file with the right shape (a checkpoint of another
 * config is an error naming the first mismatch); the file's head and optimiser tensors are
 * ignored.
 */
export async function loadInitWeights(model: RetinaNet, file: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(file)) throw new UserError(`--init ${file}: no such file (give a run's latest.safetensors or best.safetensors)`);
  const content = await readSafetensors(file);
  const tensors = new Map([...content.tensors].filter(([name]) => inScope(name)));
  const wanted = model.namedParameters().map(([name]) => name).filter(inScope);
  const absent = wanted.filter((name) => !tensors.has(name));
  if (absent.length > 0) {
    throw new UserError(`--init ${file}: ${absent.length} backbone/FPN parameter(s) are not in the file, e.g. ${absent[0]} (a checkpoint of another config?)`);
  }
  const report = loadStateDict(model, tensors, { strict: false, source: `--init ${file}` });
  if (report.unexpected.length > 0) {
    throw new UserError(`--init ${file}: ${report.unexpected.length} backbone/FPN tensor(s) match no parameter of this model, e.g. ${report.unexpected[0]}`);
  }
  log(`init: backbone and FPN from ${file} (${report.loaded.length} tensors); the head starts fresh`);
}
