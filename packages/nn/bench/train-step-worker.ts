import * as tf from '@tensorflow/tfjs';
import * as backendModule from '@apdet/backend';
import { Conv2d, Module, SGD, fpn, paramGroups, resnet, valueAndGrads, type FPN, type ResNet } from '../src/index.js';

/** One JSON line written to stdout by the worker. */
export type WorkerResult =
  | { kind: 'step'; seconds: number; cpuSeconds: number }
  | { kind: 'info'; forwardFlops: number; trainFlops: number; note?: string };

type InitBackend = (o: { backend?: string; threads?: number }) => Promise<unknown>;

/** Selects the backend: 'cpu', 'wasm' (1 thread) or 'wasm2' (2 threads, via initBackend). */
async function selectBackend(name: string): Promise<string | undefined> {
  if (name === 'wasm2') {
    const init = (backendModule as unknown as Record<string, InitBackend | undefined>).initBackend;
    if (!init) throw new Error('@apdet/backend does not export initBackend (needed for threads)');
    backendModule.registerTrainingKernels();
    await init({ backend: 'wasm', threads: 2 });
    return undefined;
  }
  await backendModule.useBackend(name as 'cpu' | 'wasm');
  return undefined;
}

function convs(m: Module): Conv2d[] {
  const out: Conv2d[] = m instanceof Conv2d ? [m] : [];
  for (const [, c] of m.namedChildren()) out.push(...convs(c));
  return out;
}

class Detector extends Module {
  readonly body: ResNet;
  readonly neck: FPN;
  constructor(depth: 18 | 50) {
    super();
    this.body = this.child('body', resnet({ depth, frozenStages: 1, seed: 0 }));
    this.neck = this.child(
      'neck',
      fpn({ inChannels: this.body.outChannels.slice(1), outChannels: 256, extra: 'p6p7', extraFrom: 'c5', seed: 1 }),
    );
  }
  loss(x: tf.Tensor): tf.Scalar {
    const ps = this.neck.forward(this.body.forward(x).slice(1));
    return tf.addN(ps.map((p) => tf.mean(tf.square(tf.sub(p, 0.1))))) as tf.Scalar;
  }
}

/** Builds the model, runs a warm-up step, then `steps` timed steps, printing JSON lines. */
export async function runWorker(o: {
  depth: 18 | 50;
  size: number;
  batch: number;
  backend: string;
  steps: number;
}): Promise<void> {
  const note = await selectBackend(o.backend);
  const model = new Detector(o.depth);
  const opt = new SGD(paramGroups(model, { weightDecay: 1e-4 }), { momentum: 0.9 });
  const x = tf.randomNormal([o.batch, o.size, o.size, 3], 0, 1, 'float32', 0);
  const step = async () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { value, grads } = valueAndGrads(model.trainableParameters(), () => model.loss(x));
    opt.step(grads, 0.01);
    await value.data(); // synchronise
    tf.dispose([value, ...grads.values()]);
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
  const warm = await step();
  const all = convs(model);
  const forwardFlops = all.reduce((s, c) => s + c.lastForwardFlops(), 0);
  const trainable = all.filter((c) => c.weight.trainable).reduce((s, c) => s + c.lastForwardFlops(), 0);
  const info: WorkerResult = { kind: 'info', forwardFlops, trainFlops: forwardFlops + 2 * trainable, note };
  console.log(JSON.stringify(info));
  if (o.backend === 'cpu') {
    // The cpu backend is slow: the warm-up step already is a representative timing.
    console.log(JSON.stringify({ kind: 'step', ...warm }));
    return;
  }
  for (let i = 0; i < o.steps; i++) console.log(JSON.stringify({ kind: 'step', ...(await step()) }));
}
