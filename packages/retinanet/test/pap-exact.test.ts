/**
 * Spec §9.1 through the detector: the registry's param-ap loss on RetinaNet outputs equals the
 * Parameterized AP loss computed by hand from the same outputs (−1/0/1 targets, unit-anchor
 * decoding, u = (GIoU+1)/2 with the §9.4 epsilons), and the box branch's gradient carries the
 * preset's GradScale.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { RETINANET_PRESET, getLoss, parameterizedApLoss } from '@apdet/losses';
import { AnchorGenerator, decodeUnitAnchorTyped } from '@apdet/ops';
import { batchTargets, classTargets, retinaLoss, type BatchTargets } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

const C = 3;
const STDS = [0.1, 0.1, 0.2, 0.2] as const;

/** §9.4 GIoU of two xyxy boxes, written independently of @apdet/ops and @apdet/losses. */
function papGiou(p: ArrayLike<number>, g: ArrayLike<number>): number {
  const overlap =
    Math.max(0, Math.min(p[2], g[2]) - Math.max(p[0], g[0])) * Math.max(0, Math.min(p[3], g[3]) - Math.max(p[1], g[1]));
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (g[2] - g[0]) * (g[3] - g[1]) - overlap + 1e-7;
  const enclose =
    Math.max(0, Math.max(p[2], g[2]) - Math.min(p[0], g[0])) *
      Math.max(0, Math.max(p[3], g[3]) - Math.min(p[1], g[1])) +
    1e-7;
  return overlap / union - (enclose - union) / enclose;
}

function scene(): { targets: BatchTargets; logits: Float32Array; deltas: Float32Array; t: number } {
  const gen = new AnchorGenerator({
    strides: [8, 16],
    ratios: [0.5, 1, 2],
    octaveBaseScale: 2,
    scalesPerOctave: 1,
    centerOffset: 0.5,
  });
  const sizes = gen.featureSizes(32, 32);
  const set = { featureSizes: sizes, ...gen.gridAnchors(sizes) };
  const targets = batchTargets(
    gen,
    set,
    [
      { boxes: [2, 3, 17, 14, 12, 10, 30, 31], labels: [2, 0], validShape: [32, 32] },
      { boxes: [5, 5, 20, 28], labels: [1], validShape: [32, 24] },
    ],
    {
      numClasses: C,
      assigner: { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0, matchLowQuality: true, crowdIofThr: -1 },
      stds: STDS,
    },
  );
  const t = set.anchors.length / 4;
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return {
    targets,
    t,
    logits: Float32Array.from({ length: 2 * t * C }, () => 2 * rand()),
    deltas: Float32Array.from({ length: 2 * t * 4 }, () => rand()),
  };
}

describe('param-ap through the RetinaNet wiring (docs/spec/paper-spec.md §9.1)', () => {
  it('equals the hand-assembled Parameterized AP loss', () => {
    const { targets, logits, deltas, t } = scene();
    expect(targets.numPositives).toBeGreaterThan(2);
    const n = 2 * t;
    const ious = new Float32Array(n * C);
    for (let i = 0; i < n; i++) {
      const label = targets.labels[i];
      if (label < 0 || label >= C) continue;
      const p = decodeUnitAnchorTyped(deltas.subarray(4 * i, 4 * i + 4));
      const g = decodeUnitAnchorTyped(targets.deltas.subarray(4 * i, 4 * i + 4));
      ious[i * C + label] = (papGiou(p, g) + 1) / 2;
    }
    const expected = tf.tidy(
      () =>
        parameterizedApLoss(
          tf.tensor2d(logits, [n, C]),
          tf.tensor2d(ious, [n, C]),
          tf.tensor2d(Int32Array.from(classTargets(targets.labels, C)), [n, C], 'int32'),
          {
            form: 'searched',
            ctrlPoints: RETINANET_PRESET.ctrlPoints.map((row) => [...row]),
            topK: 100000,
          },
        ).dataSync()[0],
    );
    const actual = tf.tidy(() => {
      const out = { logits: tf.tensor3d(logits, [2, t, C]), deltas: tf.tensor3d(deltas, [2, t, 4]), featureSizes: [] };
      return retinaLoss(getLoss('param-ap'), C, out, targets, STDS).total.dataSync()[0];
    });
    expect(expected).toBeGreaterThan(0.05);
    expect(Math.abs(actual - expected)).toBeLessThan(1e-6);
  });

  it('scales the box-branch gradient by the preset GradScale and leaves the logits’ gradient alone', () => {
    const { targets, logits, deltas, t } = scene();
    const gradsWith = (params: unknown) =>
      tf.tidy(() => {
        const loss = getLoss('param-ap', params === undefined ? {} : { params });
        const f = (l: tf.Tensor, d: tf.Tensor) =>
          retinaLoss(loss, C, { logits: l as tf.Tensor3D, deltas: d as tf.Tensor3D, featureSizes: [] }, targets, STDS)
            .total;
        const [gl, gd] = tf.grads(f)([tf.tensor3d(logits, [2, t, C]), tf.tensor3d(deltas, [2, t, 4])]);
        return [gl.dataSync(), gd.dataSync()] as const;
      });
    const [glPreset, gdPreset] = gradsWith(undefined);
    const [glUnit, gdUnit] = gradsWith({ gradScale: 1 });
    expect(Array.from(glPreset)).toEqual(Array.from(glUnit));
    let checked = 0;
    for (let i = 0; i < gdUnit.length; i++) {
      if (Math.abs(gdUnit[i]) < 1e-6) continue;
      expect(gdPreset[i] / gdUnit[i]).toBeCloseTo(RETINANET_PRESET.gradScale, 4);
      checked++;
    }
    expect(checked).toBeGreaterThan(4);
  });
});
