import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import {
  AdamW,
  FPN,
  Module,
  ResNet,
  SGD,
  clipGradNorm,
  fpn,
  loadCheckpoint,
  multiStep,
  paramGroups,
  resnet,
  saveCheckpoint,
  valueAndGrads,
  withLinearWarmup,
  type Optimizer,
} from '../src/index.js';
import { randomArray } from './helpers/reference.js';

/** A tiny detector-shaped model: narrow ResNet-18 (one block per stage) + FPN. */
class Tiny extends Module {
  readonly backbone: ResNet;
  readonly neck: FPN;
  constructor(seed: number, norm: 'bn' | 'frozen-bn') {
    super();
    this.backbone = this.child(
      'backbone',
      resnet({ depth: 18, widthMultiplier: 1 / 16, blocks: [1, 1, 1, 1], norm, frozenStages: 1, seed }),
    );
    this.neck = this.child(
      'neck',
      fpn({ inChannels: this.backbone.outChannels.slice(1), outChannels: 8, extra: 'p6p7', seed: seed + 1 }),
    );
  }
  loss(x: tf.Tensor): tf.Scalar {
    const feats = this.neck.forward(this.backbone.forward(x).slice(1));
    return tf.addN(feats.map((f) => tf.mean(tf.square(tf.sub(f, 0.1))))) as tf.Scalar;
  }
}

type Setup = { model: Tiny; opt: Optimizer; lrAt: (i: number) => number; clip?: number };

function batch(iter: number): tf.Tensor {
  return tf.tensor(Float32Array.from(randomArray(2 * 32 * 32 * 3, 500 + iter)), [2, 32, 32, 3]);
}

function trainSteps(s: Setup, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const x = batch(i);
    const { value, grads } = valueAndGrads(s.model.trainableParameters(), () => s.model.loss(x));
    let used = grads;
    if (s.clip !== undefined) used = clipGradNorm(grads, s.clip).grads;
    s.opt.step(used, s.lrAt(i));
    tf.dispose([x, value, ...grads.values(), ...(used === grads ? [] : used.values())]);
  }
}

function snapshot(m: Module): Map<string, Float32Array> {
  return new Map(m.namedParameters().map(([n, p]) => [n, Float32Array.from(p.variable.dataSync())]));
}

const VARIANTS = {
  'SGD + momentum + wd + warm-up + backbone lr 0.1 + BatchNorm buffers': (seed: number): Setup => {
    const model = new Tiny(seed, 'bn');
    const groups = paramGroups(model, { weightDecay: 1e-4, rules: [{ match: /^backbone\./, lrMult: 0.1 }] });
    const schedule = withLinearWarmup(multiStep([4]), { iters: 3, ratio: 0.001 });
    return { model, opt: new SGD(groups, { momentum: 0.9 }), lrAt: (i) => 0.02 * schedule(i) };
  },
  'AdamW + no decay on norm/bias + clipping': (seed: number): Setup => {
    const model = new Tiny(seed, 'frozen-bn');
    const groups = paramGroups(model, { weightDecay: 0.05, noDecayOnNormAndBias: true });
    return { model, opt: new AdamW(groups), lrAt: () => 1e-3, clip: 0.1 };
  },
};

describe('save → load → continue training is bit-identical (cpu)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'apdet-nn-resume-'));
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(VARIANTS))('%s', async (variant) => {
    const build = VARIANTS[variant as keyof typeof VARIANTS];
    const [N1, N2] = [3, 3];
    const straight = build(7);
    const initial = snapshot(straight.model);
    trainSteps(straight, 0, N1 + N2);
    const expected = snapshot(straight.model);

    const first = build(7);
    trainSteps(first, 0, N1);
    const file = path.join(dir, `${variant.length}.safetensors`);
    await saveCheckpoint(file, first.model, { optimizer: first.opt, extra: { iter: N1 } });

    const resumed = build(12345); // different init: everything must come from the checkpoint
    const { extra } = await loadCheckpoint(file, resumed.model, { optimizer: resumed.opt });
    const iter = (extra as { iter: number }).iter;
    trainSteps(resumed, iter, N1 + N2);
    const got = snapshot(resumed.model);

    expect([...got.keys()]).toEqual([...expected.keys()]);
    const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
    for (const [name, values] of expected) expect(same(got.get(name)!, values), name).toBe(true);
    // Training really moved the trainable parameters (and only those outside frozen stages).
    const moved = [...expected].filter(([n, v]) => !same(v, initial.get(n)!)).map(([n]) => n);
    expect(moved.length).toBeGreaterThan(20);
    expect(moved.filter((n) => n.startsWith('backbone.layer1.') || n.startsWith('backbone.conv1.'))).toEqual([]);

    // Control: resuming the weights without the optimiser state does not reproduce the run.
    const noState = build(7);
    await loadCheckpoint(file, noState.model);
    trainSteps(noState, iter, N1 + N2);
    const drift = [...snapshot(noState.model)].filter(([n, v]) => !same(v, expected.get(n)!)).length;
    expect(drift).toBeGreaterThan(0);
    for (const s of [straight, first, resumed, noState]) {
      s.model.dispose();
      s.opt.dispose();
    }
  });
});
