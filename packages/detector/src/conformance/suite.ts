/**
 * The conformance tests themselves (see index.ts). Each builds detectors from the spec's
 * config with the given overrides, on wasm (cpu for the resume test).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLoss, LOSS_NAMES } from '@apdet/losses';
import { AdamW, loadCheckpoint, paramGroups, saveCheckpoint, type Optimizer } from '@apdet/nn';
import { toCocoResults } from '../detections.js';
import type { Detector, DetectorSpec } from '../contract.js';
import type { DetectorConfigBase } from '../config/index.js';
import { trainStep } from '../train-step.js';
import { fixedBatch } from './fixtures.js';

export interface ConformanceOptions {
  spec: DetectorSpec;
  /**
   * Selects a backend (`useBackend` of @apdet/backend in a test). The suite runs on `wasm`
   * (fast) and switches to `cpu` for the bit-identical resume check.
   */
  useBackend: (name: 'cpu' | 'wasm') => Promise<unknown>;
  /** A small config as `{ base: <preset>, ...overrides }` (inputSize square, e.g. [64, 64]). */
  config: Record<string, unknown>;
  /** Losses to train (default: every registry loss; all apply to every head today). */
  losses?: readonly string[];
  /** Steps on the fixed batch after which the loss must be lower than at the first (default 6). */
  steps?: number;
  /** Learning rate of those steps (AdamW; default 1e-3). */
  lr?: number;
  /**
   * Device reads of one training step with `focal+l1` on cpu (default 1: the step's packed read
   * of `[total, parts…, gradNorm]`, packages/detector/src/train-step.ts). A detector with a
   * host-side stage in its forward pass reads more, and says how many and why: Faster R-CNN
   * reads 2, its proposals needing the RPN outputs on the host for NMS
   * (packages/faster-rcnn/test/conformance.test.ts).
   */
  readsPerStep?: number;
}

function build(o: ConformanceOptions, loss: string, seed = 0): { model: Detector; config: DetectorConfigBase } {
  const config = o.spec.configFromJson(o.config, 'conformance config');
  return { model: o.spec.build(config, { loss: getLoss(loss), seed }), config };
}

const adamw = (model: Detector): Optimizer => new AdamW(paramGroups(model, { weightDecay: 1e-4 }));

/** Registers the conformance tests of a detector spec in the calling test file. */
export function describeDetectorConformance(o: ConformanceOptions): void {
  const losses = o.losses ?? LOSS_NAMES;
  const steps = o.steps ?? 6;
  const lr = o.lr ?? 1e-3;
  const readsPerStep = o.readsPerStep ?? 1;

  describe(`${o.spec.name} conforms to the detector contract`, () => {
    beforeAll(() => o.useBackend('wasm'));
    it('declares its heads, presets and search facts consistently', () => {
      expect(o.spec.heads.length).toBeGreaterThan(0);
      expect(Object.keys(o.spec.presets)).toContain(o.spec.defaultPreset);
      for (const head of o.spec.search.heads) expect(o.spec.heads).toContain(head);
      const { model } = build(o, losses[0]);
      expect(model.kind).toBe(o.spec.name);
      expect([...model.heads]).toEqual([...o.spec.heads]);
      model.dispose();
    });

    it('detects in original image coordinates with valid COCO records, leaving no tensor behind', () => {
      const { model, config } = build(o, losses[0]);
      const size = config.inputSize[0];
      const { batch, geometries } = fixedBatch(2, size, config.numClasses);
      model.detect(batch.images, geometries); // warm-up: caches (anchors, kernels) are built once
      const before = tf.memory().numTensors;
      const dets = model.detect(batch.images, geometries);
      expect(tf.memory().numTensors).toBe(before);
      expect(dets.map((d) => d.imageId)).toEqual(geometries.map((g) => g.imageId));
      for (const d of dets) {
        expect(d.boxes.length).toBe(4 * d.scores.length);
        expect(d.labels.length).toBe(d.scores.length);
        for (let j = 0; j < d.scores.length; j++) {
          expect(d.labels[j]).toBeGreaterThanOrEqual(0);
          expect(d.labels[j]).toBeLessThan(config.numClasses);
          expect(d.scores[j]).toBeGreaterThanOrEqual(0);
          expect(d.scores[j]).toBeLessThanOrEqual(1);
          if (j > 0) expect(d.scores[j]).toBeLessThanOrEqual(d.scores[j - 1]);
          const [x1, y1, x2, y2] = d.boxes.subarray(4 * j, 4 * j + 4);
          expect(x1 <= x2 && y1 <= y2).toBe(true);
          expect(Math.min(x1, y1)).toBeGreaterThanOrEqual(0);
          expect(Math.max(x2, y2)).toBeLessThanOrEqual(size);
        }
      }
      const ids = Array.from({ length: config.numClasses }, (_, i) => 100 + i);
      for (const r of toCocoResults(dets, ids)) {
        expect(ids).toContain(r.category_id);
        expect(r.bbox.every(Number.isFinite)).toBe(true);
        expect(r.bbox[2]).toBeGreaterThanOrEqual(0);
        expect(r.bbox[3]).toBeGreaterThanOrEqual(0);
      }
      tf.dispose(batch.images);
      model.dispose();
    });

    it('keeps tf.memory().numTensors constant across training steps', () => {
      const { model, config } = build(o, losses[0]);
      const optimizer = adamw(model);
      const { batch } = fixedBatch(2, config.inputSize[0], config.numClasses);
      const counts: number[] = [];
      for (let iter = 0; iter < 4; iter++) {
        trainStep(model, optimizer, batch, { lr, gradClipNorm: 10, iter, seed: 0 });
        counts.push(tf.memory().numTensors);
      }
      // Step 1 creates the optimiser's slots; after that nothing may accumulate.
      expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
      tf.dispose(batch.images);
      optimizer.dispose();
      model.dispose();
    });

    it('resumes bit-identically from a checkpoint (model + optimiser)', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-conformance-'));
      await o.useBackend('cpu');
      try {
        const run = (
          model: Detector,
          optimizer: Optimizer,
          from: number,
          to: number,
          batch: ReturnType<typeof fixedBatch>['batch'],
        ) => {
          for (let iter = from; iter < to; iter++)
            trainStep(model, optimizer, batch, { lr, gradClipNorm: 10, iter, seed: 0 });
        };
        const a = build(o, losses[0]);
        const { batch } = fixedBatch(2, a.config.inputSize[0], a.config.numClasses);
        const optA = adamw(a.model);
        run(a.model, optA, 0, 2, batch);
        const file = path.join(dir, 'ckpt.safetensors');
        await saveCheckpoint(file, a.model, { optimizer: optA });
        run(a.model, optA, 2, 4, batch);
        const b = build(o, losses[0], 99); // another init: everything must come from the file
        const optB = adamw(b.model);
        await loadCheckpoint(file, b.model, { optimizer: optB });
        run(b.model, optB, 2, 4, batch);
        const pa = a.model.namedParameters();
        const pb = new Map(b.model.namedParameters());
        for (const [name, p] of pa)
          expect(
            Buffer.from(pb.get(name)!.variable.dataSync().buffer).equals(Buffer.from(p.variable.dataSync().buffer)),
            name,
          ).toBe(true);
        tf.dispose(batch.images);
        for (const x of [optA, optB, a.model, b.model]) x.dispose();
      } finally {
        await o.useBackend('wasm');
        await rm(dir, { recursive: true, force: true });
      }
    });

    const readsTitle =
      readsPerStep === 1
        ? 'reads the device once per training step (loss computed on the device, cpu)'
        : `reads the device ${readsPerStep} times per training step (cpu)`;
    it(readsTitle, async () => {
      // Counts Tensor.dataSync/data calls (the engine's reads), not a backend's internal buffers.
      // A loss with a host-side algorithm (the Parameterized AP loss's sort, docs/spec/paper-spec.md
      // §5) reads its inputs inside the tape as well; focal+l1 runs entirely on the device.
      await o.useBackend('cpu');
      try {
        const { model, config } = build(o, 'focal+l1');
        const optimizer = adamw(model);
        const { batch } = fixedBatch(2, config.inputSize[0], config.numClasses);
        trainStep(model, optimizer, batch, { lr, gradClipNorm: 10, iter: 0, seed: 0 });
        const engine = tf.engine() as unknown as Record<'readSync' | 'read', (...args: unknown[]) => unknown>;
        const original = { readSync: engine.readSync, read: engine.read };
        let reads = 0;
        for (const key of ['readSync', 'read'] as const) {
          engine[key] = (...args: unknown[]) => {
            reads += 1;
            return original[key].apply(engine, args);
          };
        }
        try {
          trainStep(model, optimizer, batch, { lr, gradClipNorm: 10, iter: 1, seed: 0 });
        } finally {
          Object.assign(engine, original);
        }
        expect(reads).toBe(readsPerStep);
        tf.dispose(batch.images);
        optimizer.dispose();
        model.dispose();
      } finally {
        await o.useBackend('wasm');
      }
    });

    for (const loss of losses) {
      it(`lowers the ${loss} loss on a fixed batch within ${steps} steps`, () => {
        const { model, config } = build(o, loss);
        const optimizer = adamw(model);
        const { batch } = fixedBatch(2, config.inputSize[0], config.numClasses);
        const totals: number[] = [];
        for (let iter = 0; iter < steps; iter++) {
          const r = trainStep(model, optimizer, batch, { lr, gradClipNorm: 10, iter, seed: 0 });
          expect(
            Object.keys(r.parts).every((k) => o.spec.heads.some((h) => k.startsWith(`${h}/`))),
            Object.keys(r.parts).join(),
          ).toBe(true);
          totals.push(r.total);
        }
        expect(totals.every(Number.isFinite)).toBe(true);
        expect(totals.at(-1)!).toBeLessThan(totals[0]);
        tf.dispose(batch.images);
        optimizer.dispose();
        model.dispose();
      });
    }
  });
}
