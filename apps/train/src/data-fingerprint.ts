/**
 * The training set's fingerprint, stored in the manifest: the number of training images (those
 * with boxes, before `--train-images`) and the SHA-256 of the annotation file. A resumed run
 * depends on the data being the same: the epoch length, hence the lr schedule and the loader
 * position, come from the image count, and the batches from the annotations. `--resume` on
 * changed data is refused with one line unless `--allow-data-change`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { UserError } from '@apdet/io';
import { z } from 'zod';

export const DATA_FINGERPRINT_SCHEMA = z.object({
  trainImages: z.number().int().nonnegative(),
  annotationFile: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type DataFingerprint = z.infer<typeof DATA_FINGERPRINT_SCHEMA>;

/** SHA-256 of a file, streamed (a COCO train file is hundreds of MB). */
async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The fingerprint of a training set: its image count and its annotation file's hash. */
export async function fingerprintOf(annotationFile: string, trainImages: number): Promise<DataFingerprint> {
  return { trainImages, annotationFile, sha256: await sha256Of(annotationFile) };
}

/**
 * null when `now` is the data the run started on, else what changed, in words.
 *
 * @example
 * describeDataChange(saved, now); // "32 → 28 images, data/x/instances_train.json has another content"
 */
export function describeDataChange(saved: DataFingerprint, now: DataFingerprint): string | null {
  const changes: string[] = [];
  if (saved.trainImages !== now.trainImages) changes.push(`${saved.trainImages} → ${now.trainImages} images`);
  if (saved.sha256 !== now.sha256) changes.push(`${now.annotationFile} has another content`);
  return changes.length === 0 ? null : changes.join(', ');
}

/**
 * Refuses a resume on changed data unless `allow`; returns the change (for the log and the
 * manifest) or null when nothing changed.
 */
export function checkDataUnchanged(
  runDir: string,
  saved: DataFingerprint | undefined,
  now: DataFingerprint,
  allow: boolean,
): string | null {
  // A run of an apdet before fingerprints has none to compare with.
  if (saved === undefined) return null;
  const change = describeDataChange(saved, now);
  if (change !== null && !allow) {
    throw new UserError(
      `--resume ${runDir}: the training set changed since the run started (${change}); the epoch length, lr ` +
        `schedule and batches would differ. Restore the data, or pass --allow-data-change to continue anyway`,
    );
  }
  return change;
}
