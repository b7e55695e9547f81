/**
 * `--init <checkpoint>`: the backbone and FPN come from another run's checkpoint, the head keeps
 * its own seeded initialisation; files of another config or missing files are user errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isUserError } from '@apdet/io';
import { saveCheckpoint } from '@apdet/nn';
import { getConfig, RetinaNet } from '@apdet/retinanet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInitWeights } from '../src/init-weights.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-init-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const values = (model: RetinaNet): Map<string, number[]> =>
  new Map(model.namedParameters().map(([name, p]) => [name, Array.from(p.variable.dataSync())]));

describe('--init (warm start of backbone and FPN)', () => {
  it('copies backbone.* and neck.* from the checkpoint and leaves the head as initialised', async () => {
    const tiny = getConfig('retinanet-tiny');
    const source = new RetinaNet(tiny, { seed: 1 });
    const file = path.join(dir, 'latest.safetensors');
    await saveCheckpoint(file, source, { extra: { note: 'test' } });
    const model = new RetinaNet(tiny, { seed: 2 });
    const before = values(model);
    const lines: string[] = [];
    await loadInitWeights(model, file, (l) => lines.push(l));
    const want = values(source);
    let copied = 0;
    let kept = 0;
    for (const [name, got] of values(model)) {
      if (model.warmStartPrefixes.some((p) => name.startsWith(p))) {
        expect(got, name).toEqual(want.get(name));
        copied++;
      } else {
        expect(name.startsWith('bbox_head.'), name).toBe(true);
        expect(got, name).toEqual(before.get(name));
        // Biases start at constants in both models; kernels show that nothing was copied.
        if (name.endsWith('.weight')) expect(got, name).not.toEqual(want.get(name));
        kept++;
      }
    }
    expect(copied).toBeGreaterThan(10);
    expect(kept).toBeGreaterThan(2);
    expect(lines.join('\n')).toMatch(
      new RegExp(`init: backbone\\.\\*, neck\\.\\* from .*latest\\.safetensors \\(${copied} tensors\\)`),
    );
  });

  it('a missing file or a checkpoint of another config is a user error', async () => {
    const tiny = getConfig('retinanet-tiny');
    const model = new RetinaNet(tiny, { seed: 0 });
    await expect(loadInitWeights(model, path.join(dir, 'nope.safetensors'), () => {})).rejects.toSatisfy(
      (e) => isUserError(e) && /nope\.safetensors: no such file/.test((e as Error).message),
    );
    const wider = new RetinaNet({ ...tiny, fpn: { ...tiny.fpn, outChannels: 48 } }, { seed: 0 });
    const file = path.join(dir, 'wider.safetensors');
    await saveCheckpoint(file, wider);
    await expect(loadInitWeights(model, file, () => {})).rejects.toSatisfy(
      (e) => isUserError(e) && /shape/.test((e as Error).message),
    );
    const deeper = new RetinaNet({ ...tiny, backbone: { ...tiny.backbone, blocks: [2, 2, 2, 2] } }, { seed: 0 });
    const deeperFile = path.join(dir, 'deeper.safetensors');
    await saveCheckpoint(deeperFile, deeper);
    await expect(loadInitWeights(model, deeperFile, () => {})).rejects.toSatisfy(
      (e) => isUserError(e) && /match no parameter/.test((e as Error).message),
    );
  });
});
