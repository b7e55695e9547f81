/**
 * Rebuilding a trained detector from a run folder (for `apdet-eval --run`, notebooks, scripts):
 * the manifest names the detector and gives config, loss, classes and seed; a checkpoint gives
 * the weights. The caller selects the backend first (`initBackend`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '@apdet/io';
import type { Detector } from '@apdet/detector';
import { loadCheckpoint } from '@apdet/nn';
import { BEST, LATEST } from './checkpoints.js';
import { detectorSpec } from './detectors.js';
import { readManifest, type Manifest } from './manifest.js';
import { lossOf } from './settings.js';

export interface LoadedRun {
  manifest: Manifest;
  model: Detector;
  /** The checkpoint file that was loaded. */
  checkpoint: string;
  /** The training state saved with it (`iter`, `bestAp`, …). */
  extra: unknown;
}

/**
 * Loads `best.safetensors` (default; falls back to `latest` when the run never evaluated) or
 * `latest.safetensors` or a given checkpoint file into the detector the run's manifest names.
 *
 * @example
 * await initBackend();
 * const { model, manifest } = await loadRun('runs/retinanet-param-ap-20261124-065053Z');
 */
export async function loadRun(
  runDir: string,
  which: 'best' | 'latest' | { file: string } = 'best',
): Promise<LoadedRun> {
  const manifest = await readManifest(runDir);
  let checkpoint: string;
  if (typeof which === 'object') checkpoint = which.file;
  else if (which === 'best' && !existsSync(path.join(runDir, BEST))) checkpoint = path.join(runDir, LATEST);
  else checkpoint = path.join(runDir, which === 'best' ? BEST : LATEST);
  if (!existsSync(checkpoint)) throw new UserError(`${checkpoint}: no such checkpoint in run ${runDir}`);
  const s = manifest.settings;
  const model = detectorSpec(s.detector).build(s.config, { loss: lossOf(s), seed: s.seed });
  const { extra } = await loadCheckpoint(checkpoint, model);
  const saved = (extra as { detector?: unknown } | null)?.detector;
  if (saved !== undefined && saved !== s.detector) {
    model.dispose();
    throw new UserError(
      `${checkpoint}: a ${JSON.stringify(saved)} checkpoint, but the run's manifest is for ${s.detector}`,
    );
  }
  return { manifest, model, checkpoint, extra };
}
