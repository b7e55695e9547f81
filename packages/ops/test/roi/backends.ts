import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend/testing';

interface BackendSetup {
  label: string;
  setup: () => Promise<unknown>;
}

/** cpu with registerTrainingKernels() (GatherV2 gradient = scatterND) and wasm likewise. */
export const TRAINING_BACKENDS: BackendSetup[] = [
  { label: 'cpu + registerTrainingKernels', setup: () => useBackend('cpu') },
  { label: 'wasm + registerTrainingKernels', setup: () => useBackend('wasm') },
];

/**
 * The oracle tests also run on the stock tfjs cpu gradients first (what a user gets without
 * @apdet/backend). That must come before the others within a test file, because
 * registerTrainingKernels() replaces the GatherV2 gradient globally. Only small problems:
 * the stock cpu gather gradient (UnsortedSegmentSum) loops over every feature row for every
 * row, so the multi-level test takes ~78 s there instead of 0.2 s.
 */
export const ALL_BACKENDS: BackendSetup[] = [
  { label: 'cpu, stock tfjs gradients', setup: () => tf.setBackend('cpu') },
  ...TRAINING_BACKENDS,
];
