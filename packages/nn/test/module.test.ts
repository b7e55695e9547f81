import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import {
  BatchNorm,
  Conv2d,
  Module,
  ReLU,
  Sequential,
  fpn,
  kaimingNormal,
  normal,
  priorProbabilityBias,
  resnet,
  valueAndGrads,
  withInitSeed,
  xavierUniform,
} from '../src/index.js';

describe('module system', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('gives stable dotted names, counts parameters and excludes buffers from training', () => {
    class Block extends Module {
      readonly body = this.child(
        'body',
        new Sequential([new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 1 }), new BatchNorm(3), new ReLU()]),
      );
    }
    const m = new Block();
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'body.1.weight',
      'body.1.bias',
      'body.1.running_mean',
      'body.1.running_var',
    ]);
    expect(m.countParameters()).toBe(2 * 3 + 3 + 3 + 3);
    expect(m.trainableParameters().map(([n]) => n)).toEqual([
      'body.0.weight',
      'body.0.bias',
      'body.1.weight',
      'body.1.bias',
    ]);
    m.body.layers[0].setTrainable(false);
    expect(m.countParameters({ trainableOnly: true })).toBe(6);
    expect(m.eval().body.layers[1].training).toBe(false);
    expect(m.train().body.layers[1].training).toBe(true);
    m.dispose();
  });

  it('ResNet frozenStages freezes stem + first stages (mmdet semantics) and keeps them in eval mode', () => {
    const count = (fs: number) => {
      const m = resnet({ depth: 18, widthMultiplier: 1 / 16, frozenStages: fs, norm: 'bn' });
      const frozen = m
        .namedParameters()
        .filter(([, p]) => p.role !== 'buffer' && !p.trainable)
        .map(([n]) => n.split('.')[0]);
      const modes = [m.bn1.training, m.stages[0].items[0].bn1.training, m.stages[1].items[0].bn1.training];
      m.train();
      const afterTrain = [m.bn1.training, m.stages[0].items[0].bn1.training, m.stages[1].items[0].bn1.training];
      m.dispose();
      return { frozen: [...new Set(frozen)], modes, afterTrain };
    };
    expect(count(0).frozen).toEqual([]);
    expect(count(1)).toEqual({
      frozen: ['conv1', 'bn1', 'layer1'],
      modes: [false, false, true],
      afterTrain: [false, false, true],
    });
    expect(count(4).frozen).toEqual(['conv1', 'bn1', 'layer1', 'layer2', 'layer3', 'layer4']);
  });

  it('ResNet runs the frozen prefix off the tape: same gradients, fewer kept tensors', () => {
    const m = resnet({ depth: 18, widthMultiplier: 1 / 16, blocks: [1, 1, 1, 1], frozenStages: 2, seed: 5 });
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 6);
    const run = (detachFrozenPrefix: boolean) => {
      let kept = 0;
      const { value, grads } = valueAndGrads(m.trainableParameters(), () => {
        const before = tf.memory().numTensors;
        const loss = tf.addN(m.forward(x, { detachFrozenPrefix }).map((c) => tf.mean(tf.square(c)))) as tf.Scalar;
        kept = tf.memory().numTensors - before;
        return loss;
      });
      const out = new Map([...grads].map(([n, g]) => [n, Array.from(g.dataSync())]));
      tf.dispose([value, ...grads.values()]);
      return { out, kept };
    };
    const detached = run(true);
    const full = run(false);
    expect([...detached.out.keys()].every((n) => n.startsWith('layer3.') || n.startsWith('layer4.'))).toBe(true);
    expect(detached.out).toEqual(full.out);
    expect(detached.kept).toBeLessThan(full.kept);
    x.dispose();
    m.dispose();
  });

  it('ResNet gives C2–C5 at strides 4–32 with the expected channels for every depth and width', () => {
    for (const [depth, w, ch] of [
      [18, 1 / 8, [8, 16, 32, 64]],
      [50, 1 / 16, [16, 32, 64, 128]],
    ] as const) {
      const m = resnet({ depth, widthMultiplier: w, blocks: [1, 1, 1, 1] });
      expect(m.outChannels).toEqual(ch);
      const outs = tf.tidy(() => m.forward(tf.zeros([1, 64, 96, 3])).map((t) => t.shape));
      expect(outs).toEqual(ch.map((c, i) => [1, 64 / 2 ** (i + 2), 96 / 2 ** (i + 2), c]));
      m.dispose();
    }
  });

  it('FPN produces P-levels with the configured extras', () => {
    const inputs = [
      [1, 16, 16, 4],
      [1, 8, 8, 8],
      [1, 4, 4, 16],
    ].map((s) => tf.ones(s));
    for (const [extra, n] of [
      ['none', 3],
      ['maxpool', 4],
      ['p6p7', 5],
    ] as const) {
      const neck = fpn({ inChannels: [4, 8, 16], outChannels: 6, extra, extraFrom: 'p5' });
      const shapes = tf.tidy(() => neck.forward(inputs).map((t) => t.shape));
      expect(shapes).toEqual(
        [
          [1, 16, 16, 6],
          [1, 8, 8, 6],
          [1, 4, 4, 6],
          [1, 2, 2, 6],
          [1, 1, 1, 6],
        ].slice(0, n),
      );
      expect(neck.numOutputs).toBe(n);
      neck.dispose();
    }
    tf.dispose(inputs);
  });
});

describe('initialisers', () => {
  it('are deterministic under a seed and differ across seeds', () => {
    const values = (seed: number) => withInitSeed(seed, () => tf.tidy(() => Array.from(normal(1)([5]).dataSync())));
    expect(values(3)).toEqual(values(3));
    expect(values(3)).not.toEqual(values(4));
    const a = resnet({ depth: 18, widthMultiplier: 1 / 16, seed: 1 });
    const b = resnet({ depth: 18, widthMultiplier: 1 / 16, seed: 1 });
    expect(Array.from(a.stages[3].items[1].conv2.weight.variable.dataSync())).toEqual(
      Array.from(b.stages[3].items[1].conv2.weight.variable.dataSync()),
    );
    a.dispose();
    b.dispose();
  });

  it('kaiming normal (fan_out, ReLU) and xavier uniform have the textbook spread', () => {
    // HWIO 3×3×64×128: fan_out = 9·128, std = sqrt(2/1152) ≈ 0.04167.
    const std = withInitSeed(0, () =>
      tf.tidy(
        () =>
          tf
            .moments(kaimingNormal('fanOut')([3, 3, 64, 128]))
            .variance.sqrt()
            .dataSync()[0],
      ),
    );
    expect(std).toBeGreaterThan(0.04167 * 0.98);
    expect(std).toBeLessThan(0.04167 * 1.02);
    const bound = Math.sqrt(6 / (64 + 32));
    const x = withInitSeed(0, () => tf.tidy(() => Array.from(xavierUniform()([64, 32]).dataSync())));
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(bound * 0.98);
  });

  it('prior-probability bias gives sigmoid(b) = π', () => {
    const b = priorProbabilityBias(0.01);
    expect(b).toBeCloseTo(-4.59512, 5);
    expect(1 / (1 + Math.exp(-b))).toBeCloseTo(0.01, 12);
    expect(() => priorProbabilityBias(1)).toThrow(/in \(0, 1\)/);
  });
});
