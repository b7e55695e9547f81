/**
 * `--init <checkpoint>`: a warm start. The detector's feature extractor (its
 * `warmStartPrefixes`, e.g. RetinaNet's backbone and FPN) starts from another run's weights;
 * the heads keep their fresh, seeded initialisation, so the run still learns its classifier and
 * box regressor with its own loss. This is what short runs need to learn anything measurable
 * (the loss search's proxy trainings: docs/spec/paper-spec.md §8 starts them from ImageNet
 * weights; on the shapes dataset a short run of our own plays that part).
 */
import { existsSync } from 'node:fs';
import { UserError } from '@apdet/io';
import type { Detector } from '@apdet/detector';
import { loadStateDict, readSafetensors } from '@apdet/nn';

/**
 * Copies every tensor under the detector's warm-start prefixes from an apdet-train checkpoint
 * into `model`. Each such parameter must be in the file with the right shape (a checkpoint of
 * another config is an error naming the first mismatch); the file's head and optimiser tensors
 * are ignored.
 */
export async function loadInitWeights(model: Detector, file: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(file))
    throw new UserError(`--init ${file}: no such file (give a run's latest.safetensors or best.safetensors)`);
  const inScope = (name: string): boolean => model.warmStartPrefixes.some((p) => name.startsWith(p));
  const scope = model.warmStartPrefixes.map((p) => `${p}*`).join(', ');
  const content = await readSafetensors(file);
  const tensors = new Map([...content.tensors].filter(([name]) => inScope(name)));
  const wanted = model
    .namedParameters()
    .map(([name]) => name)
    .filter(inScope);
  const absent = wanted.filter((name) => !tensors.has(name));
  if (absent.length > 0) {
    throw new UserError(
      `--init ${file}: ${absent.length} ${scope} parameter(s) are not in the file, e.g. ${absent[0]} (a checkpoint of another config?)`,
    );
  }
  const report = loadStateDict(model, tensors, { strict: false, source: `--init ${file}` });
  if (report.unexpected.length > 0) {
    throw new UserError(
      `--init ${file}: ${report.unexpected.length} ${scope} tensor(s) match no parameter of this model, e.g. ${report.unexpected[0]}`,
    );
  }
  log(`init: ${scope} from ${file} (${report.loaded.length} tensors); the heads start fresh`);
}
