import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import {
  decodeSafetensors,
  fpn,
  loadStateDict,
  resnet,
  torchvisionFpnNames,
  torchvisionResNetNames,
  type NamedArray,
} from '../src/index.js';
import { maxAbs, maxAbsDiff } from './helpers/reference.js';
import { BACKENDS } from './helpers/tensors.js';

// Fixtures written by tools/make-torchvision-fixture.py (torch 1.13, torchvision 0.14): reduced
// width (1/8) torchvision ResNets with random weights and randomised BN statistics, a
// torchvision.ops.FeaturePyramidNetwork on top, an input with odd sizes (67×50) and the expected
// C2–C5 and FPN outputs. Acceptance: max |ours − torch| ≤ 1e-4 · max |torch| per output.
const REL_TOL = 1e-4;
const dir = fileURLToPath(new URL('./fixtures/torchvision/', import.meta.url));
const read = (file: string) => decodeSafetensors(readFileSync(dir + file), file);

const CASES = [
  { name: 'resnet50w8-fpn-p6p7', depth: 50 as const },
  { name: 'resnet18w8-fpn-maxpool', depth: 18 as const },
];

function nhwcToNchw(t: tf.Tensor): Float32Array {
  return tf.tidy(() => t.transpose([0, 3, 1, 2]).dataSync() as Float32Array);
}

describe.each(BACKENDS)('torchvision forward equivalence on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(CASES)('$name: C2–C5 and FPN outputs match torchvision', ({ name, depth }) => {
    const weights = read(`${name}.weights.safetensors`);
    const io = read(`${name}.io.safetensors`);
    const meta = weights.metadata;
    const levels = JSON.parse(meta.fpn_levels) as number[];
    const backbone = resnet({ depth, widthMultiplier: 1 / 8, blocks: JSON.parse(meta.layers), frozenStages: 0 });
    const neck = fpn({
      inChannels: levels.map((l) => backbone.outChannels[l]),
      outChannels: Number(meta.fpn_out),
      extra: meta.fpn_extra as 'p6p7' | 'maxpool',
      extraFrom: 'c5',
    });
    const bodyTensors = new Map([...weights.tensors].filter(([n]) => !n.startsWith('fpn.')));
    const fpnTensors = new Map(
      [...weights.tensors]
        .filter(([n]) => n.startsWith('fpn.'))
        .map(([n, t]) => [n.slice(4), t] as [string, NamedArray]),
    );
    const report = loadStateDict(backbone, bodyTensors, {
      layout: 'torch',
      rename: torchvisionResNetNames(),
      source: name,
    });
    expect(report.skipped.sort()).toEqual(expect.arrayContaining(['fc.weight', 'fc.bias', 'bn1.num_batches_tracked']));
    loadStateDict(neck, fpnTensors, { layout: 'torch', rename: torchvisionFpnNames(), source: name });
    backbone.eval();

    const input = io.tensors.get('input')!;
    const x = tf.tidy(() => tf.tensor(input.data, input.shape).transpose([0, 2, 3, 1]));
    const cs = backbone.forward(x);
    const ps = neck.forward(levels.map((l) => cs[l]));
    const outputs: Array<[string, tf.Tensor]> = [
      ...cs.map((c, i) => [`c${i + 2}`, c] as [string, tf.Tensor]),
      ...ps.map((p, i) => [`p${i}`, p] as [string, tf.Tensor]),
    ];
    expect(ps.length).toBe([...io.tensors.keys()].filter((k) => k.startsWith('p')).length);
    for (const [key, ours] of outputs) {
      const expected = io.tensors.get(key)!;
      expect([ours.shape[0], ours.shape[3], ours.shape[1], ours.shape[2]], key).toEqual(expected.shape);
      const err = maxAbsDiff(nhwcToNchw(ours), expected.data) / maxAbs(expected.data);
      if (process.env.NN_PRINT_ERRORS) console.log(backend, name, key, err.toExponential(2));
      expect(err, `${key} relative max error`).toBeLessThan(REL_TOL);
    }
    tf.dispose([x, ...cs, ...ps]);
    backbone.dispose();
    neck.dispose();
  });
});

describe('parameter names', () => {
  const names = JSON.parse(readFileSync(dir + 'names.json', 'utf8')) as {
    models: Record<string, Array<[string, number[]]>>;
  };

  it.each([18, 34, 50, 101] as const)(
    "ResNet-%i has exactly torchvision's state-dict names (fc and num_batches_tracked aside)",
    (depth) => {
      // Names do not depend on width: build narrow models to keep the test fast.
      const model = resnet({ depth, widthMultiplier: 1 / 16 });
      const theirs = names.models[`resnet${depth}`].map(([n]) => n).filter((n) => torchvisionResNetNames()(n) !== null);
      expect(model.namedParameters().map(([n]) => n)).toEqual(theirs);
      model.dispose();
    },
  );

  it("ResNet-50 at full width has torchvision's shapes (after OIHW → HWIO) and 25.5 M parameters", () => {
    const model = resnet({ depth: 50, frozenStages: 0 });
    const theirs = new Map(names.models.resnet50);
    for (const [n, p] of model.namedParameters()) {
      const s = theirs.get(n)!;
      const expected = s.length === 4 ? [s[2], s[3], s[1], s[0]] : s;
      expect(p.shape, n).toEqual(expected);
    }
    // torchvision's 25,557,032 includes the 2,049,000-parameter fc layer.
    expect(model.countParameters()).toBe(25_557_032 - 2_049_000);
    model.dispose();
  });

  it('FPN names map onto torchvision.ops.FeaturePyramidNetwork + LastLevelP6P7', () => {
    const neck = fpn({ inChannels: [256, 512, 1024, 2048], outChannels: 256, extra: 'p6p7', extraFrom: 'c5' });
    const theirs = names.models.fpn_p6p7.map(([n]) => torchvisionFpnNames()(n));
    expect(
      neck
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    ).toEqual([...theirs].sort());
    neck.dispose();
  });
});
