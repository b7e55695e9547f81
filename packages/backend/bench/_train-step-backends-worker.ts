// One backend of bench/train-step-backends.ts, in its own process (each backend initialises
// once per process). Times detector training steps (forward + backward + SGD + the step's one
// read, @apdet/detector's trainStep) on a synthetic batch and prints one JSON line.
//
// The detectors depend on @apdet/backend, not the other way round, so this benchmark reaches
// them through the training app's dependencies (apps/train/package.json) at run time; the few
// members used are typed here.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@apdet/rng';
import { initBackend, type BackendDescription, type BackendName } from '../src/index.js';

export interface WorkerModel {
  detector: string;
  preset: string;
}

export interface StepRow {
  detector: string;
  preset: string;
  inputSize: [number, number];
  batch: number;
  params: number;
  /** First step (shader compilation on webgpu, kernel warm-up elsewhere). */
  firstStepMs: number;
  medianMs: number;
  minMs: number;
  imgPerS: number;
  steps: number;
}

export interface WorkerResult {
  backend: BackendDescription;
  rows: StepRow[];
  errors: string[];
}

interface Annotations {
  boxes: number[];
  labels: number[];
  validShape: [number, number];
}
interface DetectorLike {
  countParameters(): number;
  dispose(): void;
}
interface SpecLike {
  preset(name: string): { inputSize: [number, number]; numClasses: number };
  build(config: unknown, options: { loss: unknown; seed: number }): DetectorLike;
}
interface OptimizerLike {
  dispose(): void;
}
type TrainStep = (
  model: DetectorLike,
  optimizer: OptimizerLike,
  batch: { images: tf.Tensor4D; annotations: Annotations[] },
  o: { lr: number; gradClipNorm: number; iter: number; seed: number },
) => { total: number };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fromTrainApp = createRequire(path.join(root, 'apps/train/package.json'));
/** Imports a package the training app depends on (resolved from apps/train). */
async function appDependency<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(fromTrainApp.resolve(name)).href)) as T;
}

/** `batch` images of the input size with 2–8 boxes of 8–44 % of the side and classes in [0, numClasses). */
function syntheticBatch(batch: number, [h, w]: [number, number], numClasses: number, seed: number) {
  const rng = Rng.from(seed, batch, h, w);
  const annotations: Annotations[] = [];
  for (let b = 0; b < batch; b++) {
    const boxes: number[] = [];
    const labels: number[] = [];
    const n = rng.int(2, 9);
    for (let i = 0; i < n; i++) {
      const bw = rng.uniform(0.08, 0.44) * w;
      const bh = rng.uniform(0.08, 0.44) * h;
      const x = rng.uniform(0, w - bw);
      const y = rng.uniform(0, h - bh);
      boxes.push(x, y, x + bw, y + bh);
      labels.push(rng.int(0, numClasses));
    }
    annotations.push({ boxes, labels, validShape: [h, w] });
  }
  return { images: tf.randomNormal([batch, h, w, 3], 0, 1, 'float32', seed) as tf.Tensor4D, annotations };
}

const [backendName, modelsJson, batchArg, itersArg, lossName] = process.argv.slice(2);
const backend = await initBackend({ backend: backendName as BackendName, log: false });
const { detectorSpec } = await appDependency<{ detectorSpec: (name: string) => SpecLike }>('@apdet/train');
const { trainStep } = await appDependency<{ trainStep: TrainStep }>('@apdet/detector');
const { getLoss } = await appDependency<{ getLoss: (name: string) => unknown }>('@apdet/losses');
const nn = await appDependency<{
  SGD: new (groups: unknown, o: { momentum: number }) => OptimizerLike;
  paramGroups: (m: DetectorLike, o: { weightDecay: number }) => unknown;
}>('@apdet/nn');

const batch = Number(batchArg);
const iters = Number(itersArg);
const rows: StepRow[] = [];
const errors: string[] = [];
for (const m of JSON.parse(modelsJson) as WorkerModel[]) {
  try {
    const spec = detectorSpec(m.detector);
    const config = spec.preset(m.preset);
    const model = spec.build(config, { loss: getLoss(lossName), seed: 0 });
    const sgd = new nn.SGD(nn.paramGroups(model, { weightDecay: 1e-4 }), { momentum: 0.9 });
    const data = syntheticBatch(batch, config.inputSize, config.numClasses, 7);
    const times: number[] = [];
    for (let i = 0; i <= iters; i++) {
      const t0 = performance.now();
      trainStep(model, sgd, data, { lr: 0.001, gradClipNorm: 0, iter: i, seed: 0 });
      times.push(performance.now() - t0);
    }
    const timed = times.slice(1).sort((a, b) => a - b);
    const median = timed[Math.floor(timed.length / 2)];
    rows.push({
      detector: m.detector,
      preset: m.preset,
      inputSize: config.inputSize,
      batch,
      params: model.countParameters(),
      firstStepMs: Math.round(times[0]),
      medianMs: Math.round(median),
      minMs: Math.round(timed[0]),
      imgPerS: +((batch * 1000) / median).toFixed(2),
      steps: timed.length,
    });
    tf.dispose(data.images);
    sgd.dispose();
    model.dispose();
  } catch (error) {
    errors.push(`${m.detector} ${m.preset}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
const result: WorkerResult = { backend, rows, errors };
console.log(JSON.stringify(result));
