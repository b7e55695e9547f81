import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@apdet/backend';
import { isUserError } from '@apdet/io';
import {
  Conv2d,
  Linear,
  Module,
  decodeSafetensors,
  encodeSafetensors,
  halfToFloat,
  loadCheckpoint,
  loadStateDict,
  loadTorchSafetensors,
  saveCheckpoint,
  stateDict,
  toTorchLayout,
} from '../src/index.js';

/** Builds a safetensors buffer by hand (independently of encodeSafetensors). */
function handMade(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

class Net extends Module {
  readonly conv = this.child('conv', new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1 }));
  readonly fc = this.child('fc', new Linear({ inFeatures: 3, outFeatures: 2 }));
}

function expectUserError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a UserError');
}

describe('safetensors format', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'apdet-nn-st-'));
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the documented layout: u64 LE header length, JSON header, 8-byte aligned LE data', () => {
    const bytes = encodeSafetensors(
      [
        ['a', { shape: [2], data: Float32Array.from([1.5, -2]) }],
        ['b.c', { shape: [1, 1], data: Float32Array.from([3]) }],
      ],
      { note: 'x' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { note: 'x' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      'b.c': { dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] },
    });
    const data = new DataView(bytes.buffer, 8 + n);
    expect([data.getFloat32(0, true), data.getFloat32(4, true), data.getFloat32(8, true)]).toEqual([1.5, -2, 3]);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ note: 'x' });
    expect(Array.from(back.tensors.get('a')!.data)).toEqual([1.5, -2]);
  });

  it('reads F64, F16, BF16 and I64 tensors (as float32)', () => {
    const f64 = new Float64Array([0.1, -3]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001]); // 1, −2, 0.33325…, 2^-24
    const bf16 = new Uint16Array([0x3f80, 0xc040]); // 1, −3
    const i64 = new BigInt64Array([7n]);
    const parts = [f64, f16, bf16, i64].map((a) => new Uint8Array(a.buffer));
    const offsets = [0];
    for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.length);
    const data = new Uint8Array(offsets[4]);
    parts.forEach((p, i) => data.set(p, offsets[i]));
    const bytes = handMade(
      {
        d: { dtype: 'F64', shape: [2], data_offsets: [offsets[0], offsets[1]] },
        h: { dtype: 'F16', shape: [4], data_offsets: [offsets[1], offsets[2]] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [offsets[2], offsets[3]] },
        n: { dtype: 'I64', shape: [], data_offsets: [offsets[3], offsets[4]] },
      },
      data,
    );
    const t = decodeSafetensors(bytes).tensors;
    expect(Array.from(t.get('d')!.data)).toEqual([Math.fround(0.1), -3]);
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24)]);
    expect(Array.from(t.get('b')!.data)).toEqual([1, -3]);
    expect(Array.from(t.get('n')!.data)).toEqual([7]);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('rejects corrupt and truncated files with errors naming the file and the tensor', () => {
    const good = encodeSafetensors([['w', { shape: [4], data: new Float32Array(4) }]]);
    expectUserError(() => decodeSafetensors(good.subarray(0, 5), 'm.st'), /m\.st: truncated/);
    expectUserError(() => decodeSafetensors(good.subarray(0, 20), 'm.st'), /header length \d+ exceeds the file size/);
    expectUserError(
      () => decodeSafetensors(good.subarray(0, good.length - 4), 'm.st'),
      /tensor "w": data ends at byte 16 but the data section has 12 bytes/,
    );
    expectUserError(
      () => decodeSafetensors(handMade({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8))),
      /tensor "w": data_offsets span 8 bytes but shape \[3\]/,
    );
    expectUserError(
      () => decodeSafetensors(handMade({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1))),
      /tensor "w": unsupported dtype "Q4"/,
    );
    const bad = new Uint8Array(good);
    bad[8] = 0x7b + 1; // break the JSON
    expectUserError(() => decodeSafetensors(bad, 'm.st'), /m\.st: the JSON header is invalid/);
  });

  it('state-dict loading reports shape and name mismatches by tensor, and leaves the model untouched', () => {
    const net = new Net();
    const before = Array.from(net.conv.bias!.variable.dataSync());
    const sd = stateDict(net);
    sd.set('conv.bias', { shape: [4], data: new Float32Array(4) });
    expectUserError(
      () => loadStateDict(net, sd, { source: 'ck.st' }),
      /ck\.st: tensor "conv\.bias" has shape \[4\], but parameter "conv\.bias" needs \[3\]/,
    );
    expect(Array.from(net.conv.bias!.variable.dataSync())).toEqual(before);
    const missing = stateDict(net);
    missing.delete('fc.weight');
    expectUserError(() => loadStateDict(net, missing), /missing 1 tensor\(s\) for the model: fc\.weight/);
    const extra = stateDict(net);
    extra.set('head.weight', { shape: [1], data: new Float32Array(1) });
    expectUserError(() => loadStateDict(net, extra), /1 tensor\(s\) match no model parameter: head\.weight/);
    expect(loadStateDict(net, extra, { strict: false }).unexpected).toEqual(['head.weight']);
  });

  it('imports PyTorch layouts: OIHW conv and [out, in] linear weights are transposed', async () => {
    const src = new Net();
    const dst = new Net();
    const torchDict = new Map([...stateDict(src)].map(([n, a]) => [n, toTorchLayout(a, src.getParameter(n).layout)]));
    expect(torchDict.get('conv.weight')!.shape).toEqual([3, 2, 3, 3]);
    const file = path.join(dir, 'torch.safetensors');
    writeFileSync(file, encodeSafetensors(torchDict));
    await loadTorchSafetensors(file, dst);
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3);
    const a = tf.tidy(() => src.fc.forward(tf.mean(src.conv.forward(x), [1, 2])).dataSync());
    const b = tf.tidy(() => dst.fc.forward(tf.mean(dst.conv.forward(x), [1, 2])).dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('checkpoints round-trip bit-exactly, are written atomically and name the file on errors', async () => {
    const net = new Net();
    const file = path.join(dir, 'ck.safetensors');
    await saveCheckpoint(file, net, { extra: { iter: 5 } });
    const other = new Net();
    const { extra } = await loadCheckpoint(file, other);
    expect(extra).toEqual({ iter: 5 });
    for (const [n, p] of net.namedParameters())
      expect(Array.from(other.getParameter(n).variable.dataSync())).toEqual(Array.from(p.variable.dataSync()));
    // The atomic write leaves no temporary file behind.
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const truncated = path.join(dir, 'trunc.safetensors');
    writeFileSync(truncated, readFileSync(file).subarray(0, 100));
    await expect(loadCheckpoint(truncated, other)).rejects.toThrow(/trunc\.safetensors: /);
    await expect(loadCheckpoint(path.join(dir, 'nope.safetensors'), other)).rejects.toThrow(
      /nope\.safetensors: file not found/,
    );
  });
});
