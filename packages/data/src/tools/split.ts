import { atomicWriteJson, checkOutputFile, readJsonFile, UserError } from '@apdet/io';
import { summarizeErrors } from '../coco/coco-index.js';
import { validateCoco } from '../coco/validate.js';
import { Rng } from '../rng.js';
import { sameFile } from './same-file.js';

export interface SplitOptions {
  input: string;
  /** Fraction of images in the first output, in (0, 1). */
  ratio: number;
  seed: number;
  outTrain: string;
  outVal: string;
}

/**
 * Splits a COCO file by image, seeded (the same seed and input give the same split): the
 * first round(ratio · N) images of a shuffled order go to `outTrain`, the rest to
 * `outVal`; annotations follow their image; categories and info are copied. For the PAP
 * search's proxy split (docs/spec/paper-spec.md §8) without the third-party cocosplit tool.
 *
 * Outputs that would destroy data are refused before anything is read or written: the two
 * outputs being one file (the second would replace the first), or an output being the input.
 */
export async function splitCoco(options: SplitOptions): Promise<{ train: number; val: number }> {
  if (!(options.ratio > 0 && options.ratio < 1)) throw new UserError(`--ratio must be in (0, 1), got ${options.ratio}`);
  await refuseDestructiveOutputs(options);
  const json = await readJsonFile(options.input);
  const report = validateCoco(json);
  if (!report.ok) throw new UserError(summarizeErrors(options.input, report));
  const coco = json as { images: { id: number }[]; annotations?: { image_id: number }[]; [key: string]: unknown };
  const order = coco.images.map((_, i) => i);
  Rng.from(options.seed, 0x53504c).shuffle(order);
  const trainCount = Math.round(options.ratio * order.length);
  const inTrain = new Set<number>();
  for (let k = 0; k < trainCount; k++) inTrain.add(coco.images[order[k]].id);
  // Keep the input's image order within each part (only membership is random).
  const part = (train: boolean) => ({
    ...coco,
    images: coco.images.filter((im) => inTrain.has(im.id) === train),
    annotations: (coco.annotations ?? []).filter((a) => inTrain.has(a.image_id) === train),
  });
  await atomicWriteJson(options.outTrain, part(true), { compact: true });
  await atomicWriteJson(options.outVal, part(false), { compact: true });
  return { train: trainCount, val: order.length - trainCount };
}

async function refuseDestructiveOutputs({ input, outTrain, outVal }: SplitOptions): Promise<void> {
  if (await sameFile(outTrain, outVal)) {
    throw new UserError(
      `--out-train and --out-val are the same file (${outTrain}): the second would replace the first`,
    );
  }
  for (const [flag, out] of [
    ['--out-train', outTrain],
    ['--out-val', outVal],
  ] as const) {
    if (await sameFile(out, input)) {
      throw new UserError(`${flag} is the input file (${input}): splitting would replace it; write elsewhere`);
    }
    await checkOutputFile(out, flag);
  }
}
