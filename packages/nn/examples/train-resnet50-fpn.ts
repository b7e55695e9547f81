/**
 * README example: ResNet-50 + FPN from torchvision ImageNet weights, SGD with linear warm-up,
 * a checkpoint at the end. Run (after converting the weights, see the README):
 *   pnpm exec tsx packages/nn/examples/train-resnet50-fpn.ts
 */
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from '@apdet/backend';
import {
  Module,
  FPN,
  ResNet,
  SGD,
  fpn,
  loadTorchSafetensors,
  multiStep,
  paramGroups,
  resnet,
  saveCheckpoint,
  torchvisionResNetNames,
  valueAndGrads,
  withLinearWarmup,
} from '../src/index.js';

registerTrainingKernels(); // conv gradients for wasm/cpu
await tf.setBackend('wasm');

class Backbone extends Module {
  readonly body: ResNet = this.child('body', resnet({ depth: 50, frozenStages: 1, seed: 0 }));
  readonly fpn: FPN = this.child(
    'fpn',
    fpn({ inChannels: [512, 1024, 2048], outChannels: 256, extra: 'p6p7', seed: 1 }),
  );
  forward(x: tf.Tensor) {
    return this.fpn.forward(this.body.forward(x).slice(1)); // P3–P7
  }
}

const model = new Backbone();
await loadTorchSafetensors('resnet50.safetensors', model.body, { rename: torchvisionResNetNames() });

// e.g. a 10× smaller lr on the pretrained backbone (DETR-style); the PAP configs use one group.
const groups = paramGroups(model, { weightDecay: 1e-4, rules: [{ match: /^body\./, lrMult: 0.1 }] });
const optimizer = new SGD(groups, { momentum: 0.9 });
const schedule = withLinearWarmup(multiStep([60_000, 80_000]), { iters: 500, ratio: 0.001 });
const baseLr = 0.016;

for (let iter = 0; iter < 10; iter++) {
  const images = tf.randomNormal([2, 512, 512, 3]); // your normalised batch, NHWC
  const { value, grads } = valueAndGrads(model.trainableParameters(), () => {
    const ps = model.forward(images);
    return tf.addN(ps.map((p) => tf.mean(tf.square(p)))) as tf.Scalar; // your detection loss
  });
  optimizer.step(grads, baseLr * schedule(iter));
  tf.dispose([images, value, ...grads.values()]);
}
await saveCheckpoint('runs/demo/iter_10.safetensors', model, { optimizer, extra: { iter: 10 } });
