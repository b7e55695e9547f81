import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { msDeformAttn } from '../../src/deform/index.js';
import { TRAINING_BACKENDS } from '../roi/backends.js';
import { expectClose } from '../roi/oracle.js';
import { uniform } from '../roi/random.js';
import { finiteDifference, naiveMsda, type MsdaProblem } from './naive-msda.js';

function randomProblem(seed: number): MsdaProblem {
  const rand = Rng.from(seed);
  const dims = { N: 2, Lq: 3, M: 2, D: 3, P: 2 };
  const shapes: [number, number][] = [
    [5, 7],
    [3, 4],
    [1, 2],
  ];
  const starts = [0, 35, 47];
  const S = 49;
  const points = dims.N * dims.Lq * dims.M * shapes.length * dims.P;
  return {
    dims,
    shapes,
    starts,
    value: uniform(rand, dims.N * S * dims.M * dims.D),
    locs: uniform(rand, points * 2, -0.15, 1.15), // ~1/4 of the points partly or fully outside
    attn: uniform(rand, points, 0, 1),
  };
}

describe.each(TRAINING_BACKENDS)('msDeformAttn vs a naive float64 grid_sample ($label)', ({ setup }) => {
  beforeAll(setup);

  it('forward, and all three gradients against central finite differences', () => {
    const p = randomProblem(3);
    const { N, Lq, M, D, P } = p.dims;
    const L = p.shapes.length;
    const gradOut = uniform(Rng.from(4), N * Lq * M * D);
    const value = tf.tensor4d(p.value, [N, 49, M, D]);
    const locs = tf.tensor(p.locs, [N, Lq, M, L, P, 2]);
    const attn = tf.tensor(p.attn, [N, Lq, M, L, P]);
    const f = (v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) => msDeformAttn(v as tf.Tensor4D, p.shapes, p.starts, l, a);
    expectClose(f(value, locs, attn).dataSync(), naiveMsda(p), 'output');
    const loss = (v: tf.Tensor, l: tf.Tensor, a: tf.Tensor) =>
      tf.sum(tf.mul(f(v, l, a), tf.tensor(gradOut, [N, Lq, M * D])));
    const [gv, gl, ga] = tf.grads(loss)([value, locs, attn]);
    expectClose(gv.dataSync(), finiteDifference(p, 'value', gradOut), 'grad value');
    expectClose(gl.dataSync(), finiteDifference(p, 'locs', gradOut), 'grad locations');
    expectClose(ga.dataSync(), finiteDifference(p, 'attn', gradOut), 'grad attention');
  });
});

describe('msDeformAttn input errors', () => {
  beforeAll(() => tf.setBackend('cpu'));
  const call =
    (o: { shapes?: [number, number][]; starts?: number[]; locShape?: number[]; attnShape?: number[] }) => () =>
      msDeformAttn(
        tf.zeros<tf.Rank.R4>([1, 20, 2, 3]),
        o.shapes ?? [
          [4, 4],
          [2, 2],
        ],
        o.starts ?? [0, 16],
        tf.zeros(o.locShape ?? [1, 5, 2, 2, 3, 2]),
        tf.zeros(o.attnShape ?? [1, 5, 2, 2, 3]),
      );
  it.each([
    [
      'level sizes do not sum to S',
      call({
        shapes: [
          [4, 4],
          [2, 3],
        ],
        starts: [0, 16],
      }),
      /S = 20 keys but the spatialShapes sum to 22/,
    ],
    ['wrong level start', call({ starts: [0, 15] }), /levelStartIndex\[1\] must be 16/],
    [
      'locations without the (x, y) axis',
      call({ locShape: [1, 5, 2, 2, 3] }),
      /samplingLocations must be \[N,Lq,M,L,P,2\]/,
    ],
    [
      'attention weights of another shape',
      call({ attnShape: [1, 5, 2, 2, 4] }),
      /attentionWeights must be \[N,Lq,M,L,P\] = \[1,5,2,2,3\]/,
    ],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(message);
  });
  it('names a non-finite sampling location', () => {
    const locs = tf.zeros([1, 5, 2, 2, 3, 2]).bufferSync();
    locs.set(NaN, 0, 4, 1, 0, 2, 1);
    const f = () =>
      msDeformAttn(
        tf.zeros<tf.Rank.R4>([1, 20, 2, 3]),
        [
          [4, 4],
          [2, 2],
        ],
        [0, 16],
        locs.toTensor(),
        tf.zeros([1, 5, 2, 2, 3]),
      );
    expect(f).toThrow(/samplingLocations\[0,4,1,0,2\] is not finite: \(0, NaN\)/);
  });
  it('computes a valid call without throwing', () => {
    expect(call({})().shape).toEqual([1, 5, 6]);
  });
});
