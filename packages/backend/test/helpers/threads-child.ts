// Child process for threads.test.ts: thread setup must precede the wasm backend's
// initialisation, so each thread count needs a fresh process. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/init-backend.js';
import { randomTensor } from './numeric.js';

const threads = Number(process.argv[2]);
const info = await initBackend({ backend: 'wasm', threads, log: false });
const x = randomTensor([2, 17, 16, 8], 1) as tf.Tensor4D;
const w = randomTensor([3, 3, 8, 16], 2) as tf.Tensor4D;
const w2 = randomTensor([3, 3, 16, 8], 3) as tf.Tensor4D;
const net = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
  tf.conv2d(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), c as tf.Tensor4D, 2, 'same');
const go = randomTensor(net(x, w, w2).shape, 4);
const y = net(x, w, w2);
const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(net(a, b, c), go)))([x, w, w2]);
const out = { threads: info.threads, y: Array.from(y.dataSync()), grads: grads.map((g) => Array.from(g.dataSync())) };
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
