/**
 * `--pretrained` / `backbone.pretrained`: torchvision-named, torch-layout safetensors fill the
 * backbone exactly; wrong or missing files are user errors.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isUserError } from '@apdet/io';
import { encodeSafetensors, stateDict, toTorchLayout, type NamedArray } from '@apdet/nn';
import { getConfig, RetinaNet, type RetinaNetConfig } from '@apdet/retinanet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrainedBackbone } from '../src/pretrained.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-pretrained-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A torchvision-style file of `model`'s backbone: OIHW kernels, plus an `fc` head that must be skipped. */
async function torchFileOf(model: RetinaNet, file: string): Promise<void> {
  const layouts = new Map(model.backbone.namedParameters().map(([name, p]) => [name, p.layout]));
  const tensors: [string, NamedArray][] = [...stateDict(model.backbone)].map(([name, a]) => [
    name,
    toTorchLayout(a, layouts.get(name)!),
  ]);
  tensors.push(['fc.weight', { shape: [10, 4], data: new Float32Array(40) }]);
  await writeFile(file, encodeSafetensors(tensors));
}

const withPretrained = (file: string | null): RetinaNetConfig => {
  const c = getConfig('retinanet-tiny');
  return { ...c, backbone: { ...c.backbone, pretrained: file } };
};

describe('pretrained backbone', () => {
  it('loads every backbone tensor (layout converted) and leaves the rest of the model alone', async () => {
    const source = new RetinaNet(withPretrained(null), { seed: 1 });
    const file = path.join(dir, 'r18.safetensors');
    await torchFileOf(source, file);
    const model = new RetinaNet(withPretrained(file), { seed: 2 });
    const headBefore = stateDict(model.head);
    const lines: string[] = [];
    await loadPretrainedBackbone(model, (l) => lines.push(l));
    const want = stateDict(source.backbone);
    for (const [name, got] of stateDict(model.backbone))
      expect(Array.from(got.data), name).toEqual(Array.from(want.get(name)!.data));
    for (const [name, got] of stateDict(model.head))
      expect(Array.from(got.data), name).toEqual(Array.from(headBefore.get(name)!.data));
    expect(lines.join('\n')).toMatch(/backbone: loaded \d+ tensors from .*r18\.safetensors/);
  });

  it('a missing file or a file of another architecture is a user error', async () => {
    const missing = new RetinaNet(withPretrained(path.join(dir, 'nope.safetensors')), { seed: 0 });
    await expect(loadPretrainedBackbone(missing, () => {})).rejects.toSatisfy(
      (e) => isUserError(e) && /nope\.safetensors: no such file/.test((e as Error).message),
    );
    const other = getConfig('retinanet-tiny');
    const wider = new RetinaNet({ ...other, backbone: { ...other.backbone, widthMultiplier: 0.5 } }, { seed: 0 });
    const file = path.join(dir, 'wider.safetensors');
    await torchFileOf(wider, file);
    await expect(loadPretrainedBackbone(new RetinaNet(withPretrained(file), { seed: 0 }), () => {})).rejects.toThrow(
      /shape/,
    );
  });

  it('warns when a frozen-BN backbone has no pretrained statistics', async () => {
    const c = getConfig('retinanet-tiny');
    const lines: string[] = [];
    await loadPretrainedBackbone(
      new RetinaNet({ ...c, backbone: { ...c.backbone, norm: 'frozen-bn' } }, { seed: 0 }),
      (l) => lines.push(l),
    );
    expect(lines[0]).toMatch(/^warning: .*no backbone\.pretrained weights/);
  });
});
