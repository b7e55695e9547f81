/**
 * Run checkpoints: `latest.safetensors` (written at the end of every epoch, every
 * `--save-every-minutes`, after each evaluation and when the run stops: at its end, on a signal,
 * on an error between steps) and `best.safetensors` (highest val AP). Each holds the
 * model, the optimiser's slots and, in its metadata, the training state below; both are
 * written atomically by @apdet/nn, so a crash never leaves a half-written checkpoint.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '@apdet/io';
import { loadCheckpoint, readSafetensors, saveCheckpoint, type Module, type Optimizer } from '@apdet/nn';
import type { LoaderPosition } from '@apdet/data';
import { writing } from './output-paths.js';

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
  /** The run's id (manifest.json `runId`); absent in checkpoints of an older apdet. */
  runId?: string;
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

export function initialState(seed: number, detector: string, runId?: string): TrainState {
  return {
    format: FORMAT,
    detector,
    ...(runId === undefined ? {} : { runId }),
    iter: 0,
    next: { epoch: 0, step: 0 },
    seed,
    bestAp: -1,
    bestIter: null,
    trainSeconds: 0,
  };
}

/** Writes a checkpoint; a write error (disk full, …) is one line naming the file. */
export async function saveState(file: string, model: Module, optimizer: Optimizer, state: TrainState): Promise<void> {
  await writing(file, () => saveCheckpoint(file, model, { optimizer, extra: state }));
}

/** True when the run folder holds a `latest.safetensors` (a run stopped before its first one has none). */
export function hasLatest(runDir: string): boolean {
  return existsSync(path.join(runDir, LATEST));
}

/**
 * Reads and checks a run's `latest.safetensors` without tensors (no backend needed), so a
 * missing, corrupt or foreign checkpoint is reported before anything else happens. `runId`:
 * the manifest's; a checkpoint of another run is refused.
 */
export async function checkLatest(runDir: string, runId?: string): Promise<TrainState> {
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
  return checkRunId(checkState(meta?.extra ?? null, file), runId, file);
}

/** Restores `latest.safetensors` of a run folder into model and optimiser; errors name the file. */
export async function loadState(
  runDir: string,
  model: Module,
  optimizer: Optimizer,
  runId?: string,
): Promise<TrainState> {
  const file = path.join(runDir, LATEST);
  if (!existsSync(file))
    throw new UserError(`--resume ${runDir}: no ${LATEST} (the run stopped before its first checkpoint)`);
  const { extra } = await loadCheckpoint(file, model, { optimizer });
  return checkRunId(checkState(extra, file), runId, file);
}

/**
 * A run continues only from its own checkpoints: a `latest` copied from another run of the same
 * architecture would load without complaint and continue someone else's training. Runs of an
 * older apdet (no id in the manifest) are not checked.
 */
function checkRunId(state: TrainState, runId: string | undefined, file: string): TrainState {
  if (runId !== undefined && state.runId !== runId) {
    throw new UserError(
      `${file}: a checkpoint of another run (run id ${state.runId ?? 'none'}; this run is ${runId}); ` +
        `restore this run's own checkpoint, or start a new run with --init ${file}`,
    );
  }
  return state;
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
    (s.runId === undefined || typeof s.runId === 'string') &&
    typeof s.bestAp === 'number' &&
    typeof s.trainSeconds === 'number';
  if (!ok)
    throw new UserError(`${file}: not an apdet-train checkpoint (its metadata has no valid ${FORMAT} training state)`);
  return s as TrainState;
}
