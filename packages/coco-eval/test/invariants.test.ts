import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '@apdet/rng';
import { generateSynthetic } from '../bench/synthetic.js';
import { buildCells } from '../src/cells.js';
import { evaluateCoco, loadDetections, loadGroundTruth } from '../src/index.js';
import { loadScenario } from './helpers.js';

describe('invariants on a seeded synthetic case', () => {
  const { gt, dt } = generateSynthetic({ seed: 11, images: 60, categories: 8, detectionsPerImage: 30 });

  it('does not depend on the order of images, categories, or on how images interleave', () => {
    const base = evaluateCoco(gt, dt);
    const rng = Rng.from(3);
    const shuffled = <T>(xs: T[]) =>
      xs
        .map((x) => [rng.next(), x] as const)
        .sort((a, b) => a[0] - b[0])
        .map((p) => p[1]);
    // Reorder the GT lists and interleave detections of different images, keeping each
    // image's own relative order (the only order pycocotools' tie-breaking depends on).
    const byImage = new Map<number, typeof dt>();
    for (const d of dt) byImage.set(d.image_id, [...(byImage.get(d.image_id) ?? []), d]);
    const queues = shuffled([...byImage.values()]);
    const interleaved: typeof dt = [];
    while (queues.some((q) => q.length > 0)) for (const q of queues) if (q.length > 0) interleaved.push(q.shift()!);
    const reordered = evaluateCoco(
      { images: shuffled([...gt.images]), categories: shuffled([...gt.categories]), annotations: gt.annotations },
      interleaved,
    );
    expect(reordered.stats).toEqual(base.stats);
    expect(Array.from(reordered.precision.data)).toEqual(Array.from(base.precision.data));
    expect(Array.from(reordered.scores.data)).toEqual(Array.from(base.scores.data));
  });

  it('perfect detections give AP 1 and AR 1 wherever GT exists', () => {
    const anns = gt.annotations as { image_id: number; category_id: number; bbox: number[]; iscrowd: number }[];
    const perfect = anns
      .filter((a) => !a.iscrowd)
      .map((a, i) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 1 - i * 1e-6 }));
    const r = evaluateCoco(gt, perfect, { maxDets: [1, 10, 1000] });
    expect(r.stats[0]).toBeCloseTo(1, 12);
    expect(r.stats[8]).toBeCloseTo(1, 12);
  });
});

describe('browser-usable core', () => {
  it('no file in src/ except node.ts uses Node built-ins or @apdet/io', () => {
    const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts') && f !== 'node.ts')) {
      const text = readFileSync(path.join(src, file), 'utf8');
      expect(text, file).not.toMatch(/from '(node:|fs|path|@apdet\/io)|\bprocess\.|\bBuffer\b|require\(/);
    }
  });
});

describe('cell grouping', () => {
  it('the sparse path (huge image x category spaces) builds the same cells as the dense one', () => {
    const cases = [
      loadScenario('p14_realistic_500'),
      loadScenario('p11_usecats0'),
      { ...generateSynthetic({ seed: 2, images: 30, categories: 7, detectionsPerImage: 20 }) },
    ];
    for (const { gt: gtJson, dt: dtJson } of cases) {
      const gt = loadGroundTruth(gtJson);
      const dt = loadDetections(dtJson, gt);
      for (const useCats of [true, false]) {
        const dense = buildCells(gt, dt, useCats, 100);
        const sparse = buildCells(gt, dt, useCats, 100, 0);
        expect(sparse.numCells).toBe(dense.numCells);
        for (const key of ['blockStart', 'gtStart', 'gtOrder', 'dtStart', 'dtOrder'] as const) {
          expect(Array.from(sparse[key]), key).toEqual(Array.from(dense[key]));
        }
      }
    }
  });
});
