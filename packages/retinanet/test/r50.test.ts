import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { getLoss } from '@apdet/losses';
import { SGD, paramGroups } from '@apdet/nn';
import { trainStep } from '@apdet/detector';
import { RetinaNet, getConfig } from '../src/index.js';

// The full-size R50 network: wasm (with @apdet/backend's training kernels) keeps this to
// seconds; tfjs' cpu backend needs minutes for the R50 convolutions.
beforeAll(() => useBackend('wasm'));

describe('retinanet-r50-fpn-512 (acceptance point of [F])', () => {
  it('retinanet-r50-fpn-512 builds and runs one training step at 64×64, batch 1', () => {
    const cfg = getConfig('retinanet-r50-fpn-512');
    const loss = getLoss('param-ap');
    const model = new RetinaNet(cfg, { loss, seed: 0 });
    expect(model.countParameters()).toBeGreaterThan(30e6); // R50-FPN RetinaNet ≈ 36M with A = 6, C = 80
    const sgd = new SGD(paramGroups(model, { weightDecay: cfg.train.weightDecay }), { momentum: cfg.train.momentum });
    const frozen = model.backbone.conv1.weight.variable.dataSync().slice(0, 8);
    const cls = model.head.retinaCls.weight.variable.dataSync().slice(0, 8);
    const images = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const r = trainStep(
      model,
      sgd,
      { images, annotations: [{ boxes: [8, 8, 40, 48], labels: [17], validShape: [64, 64] }] },
      { lr: cfg.train.lr, gradClipNorm: 0, iter: 0, seed: 0 },
    );
    expect(Number.isFinite(r.total)).toBe(true);
    expect(r.stats['retina/positives']).toBeGreaterThan(0);
    expect(Object.keys(r.parts)).toEqual(['retina/pap']);
    expect(Array.from(model.backbone.conv1.weight.variable.dataSync().slice(0, 8))).toEqual(Array.from(frozen)); // frozen stem
    expect(Array.from(model.head.retinaCls.weight.variable.dataSync().slice(0, 8))).not.toEqual(Array.from(cls)); // trained head
    tf.dispose(images);
    sgd.dispose();
    model.dispose();
  });
});
