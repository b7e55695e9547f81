import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@apdet/backend';
import { getLoss } from '@apdet/losses';
import { RetinaNet, getConfig, resolveConfig } from '../src/index.js';

beforeAll(() => useBackend('cpu'));

describe('RetinaNet model', () => {
  it('tiny: outputs [B, T, C] and [B, T, 4] with T = Σ H·W·A over P3–P5', () => {
    const config = getConfig('retinanet-tiny');
    const model = new RetinaNet(config, { loss: getLoss('focal+l1'), seed: 1 });
    const perLocation = config.anchors.scalesPerOctave * config.anchors.ratios.length;
    const images = tf.zeros([2, 128, 128, 3]) as tf.Tensor4D;
    const o = model.forward(images);
    const out = { l: o.logits.shape, d: o.deltas.shape, f: o.featureSizes };
    tf.dispose([images, o.logits, o.deltas]);
    const t = (16 * 16 + 8 * 8 + 4 * 4) * perLocation;
    expect(out.f).toEqual([
      [16, 16],
      [8, 8],
      [4, 4],
    ]);
    expect(out.l).toEqual([2, t, 6]);
    expect(out.d).toEqual([2, t, 4]);
    expect(model.anchors(128, 128).anchors.length).toBe(4 * t);
    model.dispose();
  });

  it('initialises the classifier with the prior bias −log(99) and N(0, 0.01) weights', () => {
    const model = new RetinaNet(getConfig('retinanet-tiny'), { loss: getLoss('param-ap'), seed: 3 });
    const bias = model.head.retinaCls.bias!.variable.dataSync();
    expect(bias[0]).toBeCloseTo(-Math.log(99), 5);
    const w = Array.from(model.head.retinaCls.weight.variable.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.008);
    expect(std).toBeLessThan(0.012);
    model.dispose();
  });

  it('flattens head outputs in the anchor generator order ((y·W + x)·A + a)', () => {
    // Head with no tower: retina_reg copies input channel 0 of the centre pixel to every output,
    // plus a bias that encodes the anchor index a. Then deltas[t] must equal f(y, x) + a.
    const cfg = resolveConfig(getConfig('retinanet-tiny'), { head: { stackedConvs: 0 } }, 'test');
    const model = new RetinaNet(cfg, { seed: 0 });
    const a = model.numAnchorsPerLocation;
    const reg = model.head.retinaReg;
    const cin = reg.inChannels;
    const w = new Float32Array(3 * 3 * cin * a * 4);
    for (let o = 0; o < a * 4; o++) w[(1 * 3 + 1) * cin * a * 4 + 0 * a * 4 + o] = 1; // HWIO centre tap, input channel 0
    reg.weight.variable.assign(tf.tensor4d(w, [3, 3, cin, a * 4]));
    reg.bias!.variable.assign(tf.tensor1d(Array.from({ length: a * 4 }, (_, o) => 1000 * Math.floor(o / 4))));
    const sizes = [
      [4, 4],
      [2, 2],
    ] as const;
    const features = sizes.map(([h, wd], l) =>
      tf.tidy(() => {
        const v = new Float32Array(h * wd * cin);
        for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) v[(y * wd + x) * cin] = 100 * l + 10 * y + x;
        return tf.tensor4d(v, [1, h, wd, cin]);
      }),
    );
    const deltas = model.head.forward(features).deltas.arraySync()[0];
    let t = 0;
    sizes.forEach(([h, wd], l) => {
      for (let y = 0; y < h; y++)
        for (let x = 0; x < wd; x++)
          for (let k = 0; k < a; k++, t++) expect(deltas[t]).toEqual(Array(4).fill(100 * l + 10 * y + x + 1000 * k));
    });
    expect(t).toBe(deltas.length);
    model.dispose();
  });
});
