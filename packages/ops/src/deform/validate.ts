import type * as tf from '@tensorflow/tfjs';

const OP = 'msDeformAttn';

function shapeText(t: tf.Tensor): string {
  return `[${t.shape.join(',')}]`;
}

function checkLevels(keys: number, spatialShapes: [number, number][], levelStartIndex: number[]): void {
  if (!Array.isArray(spatialShapes) || spatialShapes.length === 0) {
    throw new Error(`${OP}: spatialShapes must be a non-empty list of [H, W]`);
  }
  if (!Array.isArray(levelStartIndex) || levelStartIndex.length !== spatialShapes.length) {
    throw new Error(
      `${OP}: levelStartIndex must have one entry per level (${spatialShapes.length}), got ${JSON.stringify(levelStartIndex)}`,
    );
  }
  let start = 0;
  spatialShapes.forEach(([h, w], l) => {
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
      throw new Error(
        `${OP}: spatialShapes[${l}] must be two positive integers, got ${JSON.stringify(spatialShapes[l])}`,
      );
    }
    if (levelStartIndex[l] !== start) {
      throw new Error(
        `${OP}: levelStartIndex[${l}] must be ${start} (sum of H·W of the previous levels), got ${levelStartIndex[l]}`,
      );
    }
    start += h * w;
  });
  if (start !== keys) {
    throw new Error(`${OP}: value has S = ${keys} keys but the spatialShapes sum to ${start}`);
  }
}

/** Checks ranks, shapes and level bookkeeping; every message names the argument. */
export function validateMsdaInputs(
  value: tf.Tensor,
  spatialShapes: [number, number][],
  levelStartIndex: number[],
  samplingLocations: tf.Tensor,
  attentionWeights: tf.Tensor,
): void {
  if (value.rank !== 4) throw new Error(`${OP}: value must be [N,S,M,D], got ${shapeText(value)}`);
  const [batch, keys, heads] = value.shape;
  checkLevels(keys, spatialShapes, levelStartIndex);
  const s = samplingLocations.shape;
  const levels = spatialShapes.length;
  if (samplingLocations.rank !== 6 || s[0] !== batch || s[2] !== heads || s[3] !== levels || s[5] !== 2) {
    throw new Error(
      `${OP}: samplingLocations must be [N,Lq,M,L,P,2] = [${batch},Lq,${heads},${levels},P,2], got ${shapeText(samplingLocations)}`,
    );
  }
  const expected = s.slice(0, 5);
  if (attentionWeights.rank !== 5 || attentionWeights.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${OP}: attentionWeights must be [N,Lq,M,L,P] = [${expected.join(',')}], got ${shapeText(attentionWeights)}`,
    );
  }
}
