/**
 * Run checkpoints: `latest.safetensors` (written at the end of every epoch, after each
 * evaluation and when the run stops) and `best.safetensors` (highest val AP). Each holds the
 * model, the optimiser's slots and, in its metadata, the training state below; both are
 * written atomically by @apdet/nn, so a crash never leaves a half-written checkpoint.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '@apdet/io';
import { loadCheckpoint, readSafetensors, saveCheckpoint, type Module, type Optimizer } from '@apdet/nn';
import type { LoaderPosition } from '@apdet/data';

export const LATEST = 'latest.safetensors';
export const BEST = 'best.safetensors';
const FORMAT = 'apdet-train-state/2';

/**
 * Everything besides parameters and optimiser slots that the next step depends on. The lr
 * schedule is a pure function of `iter`; the loader's batches (shuffling and augmentation)
 * are pure functions of (seed, epoch, step), so `seed` + `next` is its whole RNG state;
 * model initialisation is seeded and happens before step 0 only.
 */
export interface TrainState {
  format: typeof FORMAT;
  /** The registry name of the detector the weights belong to. */
  detector: string;
  /** Optimisation steps done. */
  iter: number;
  /** The loader position of the next batch. */
  next: LoaderPosition;
  seed: number;
  /** Best val AP so far and the step it was reached at (-1 / null: no evaluation yet). */
  bestAp: number;
  bestIter: number | null;
  /** Wall-clock seconds of training so far (for ETA and reports across resumes). */
  trainSeconds: number;
}

export function initialState(seed: number, detector: string): TrainState {
  return {
    format: FORMAT,
    detector,
    iter: 0,
    next: { epoch: 0, step: 0 },
    seed,
    bestAp: -1,
    bestIter: null,
    trainSeconds: 0,
  };
}

export async function saveState(file: string, model: Module, optimizer: Optimizer, state: TrainState): Promise<void> {
  await saveCheckpoint(file, model, { optimizer, extra: state });
}

/**
 * Reads and checks a run's `latest.safetensors` without tensors (no backend needed), so a
 * missing or corrupt checkpoint is reported before anything else happens.
 */
export async function checkLatest(runDir: string): Promise<TrainState> {
  const file = path.join(runDir, LATEST);
  if (!existsSync(file))
    throw new UserError(`--resume ${runDir}: no ${LATEST} (the run stopped before its first checkpoint)`);
  const content = await readSafetensors(file);
  let meta: { extra?: unknown } | null;
  try {
    meta = JSON.parse(content.metadata.apdet ?? 'null') as { extra?: unknown } | null;
  } catch {
    meta = null;
  }
  return checkState(meta?.extra ?? null, file);
}

/** Restores `latest.safetensors` of a run folder into model and optimiser; errors name the file. */
export async function loadState(runDir: string, model: Module, optimizer: Optimizer): Promise<TrainState> {
  const file = path.join(runDir, LATEST);
  if (!existsSync(file))
    throw new UserError(`--resume ${runDir}: no ${LATEST} (the run stopped before its first checkpoint)`);
  const { extra } = await loadCheckpoint(file, model, { optimizer });
  return checkState(extra, file);
}

function checkState(extra: unknown, file: string): TrainState {
  const s = extra as Partial<TrainState> | null;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    s.format === FORMAT &&
    typeof s.detector === 'string' &&
    Number.isSafeInteger(s.iter) &&
    Number.isSafeInteger(s.next?.epoch) &&
    Number.isSafeInteger(s.next?.step) &&
    Number.isSafeInteger(s.seed) &&
    typeof s.bestAp === 'number' &&
    typeof s.trainSeconds === 'number';
  if (!ok)
    throw new UserError(`${file}: not an apdet-train checkpoint (its metadata has no valid ${FORMAT} training state)`);
  return s as TrainState;
}
