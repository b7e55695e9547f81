/**
 * Anchor assignment at RetinaNet / RPN size for a 512-pixel image.
 *
 *   pnpm exec tsx packages/ops/bench/assign.ts [--reps 7]
 *
 * Anchor generation, MaxIoU assignment and sampling run on typed arrays: plain JS,
 * backend-independent. Writes packages/ops/bench/results/assign.json.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '@apdet/rng';
import {
  AnchorGenerator,
  assignMaxIou,
  fasterRcnnAnchorConfig,
  pseudoSample,
  randomSample,
  retinaNetAnchorConfig,
} from '../src/index.js';
import { timeMs } from './_timing.js';

function gtBoxes(count: number, seed: number): Float64Array {
  const rng = Rng.from(seed);
  const out = new Float64Array(4 * count);
  for (let i = 0; i < count; i++) {
    const w = rng.uniform(8, 308),
      h = rng.uniform(8, 308);
    const x = rng.uniform(0, 512 - w),
      y = rng.uniform(0, 512 - h);
    out.set([x, y, x + w, y + h], 4 * i);
  }
  return out;
}

function main() {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '7' } } });
  const reps = Number(values.reps);
  const rows: { case: string; anchors: number; gts: number; median_ms: number; min_ms: number }[] = [];
  const retinaOpts = { posIouThr: 0.5, negIouThr: 0.4, minPosIou: 0 };
  const rpnOpts = { posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3 };
  for (const [label, gen, opts, sampler] of [
    ['RetinaNet A=9 (mmdet base)', new AnchorGenerator(retinaNetAnchorConfig(3)), retinaOpts, 'pseudo'],
    ['RetinaNet A=6 (PAP config)', new AnchorGenerator(retinaNetAnchorConfig(2)), retinaOpts, 'pseudo'],
    ['Faster R-CNN RPN A=3', new AnchorGenerator(fasterRcnnAnchorConfig()), rpnOpts, 'random256'],
  ] as const) {
    const sizes = gen.featureSizes(512, 512);
    const t = timeMs(() => gen.gridAnchors(sizes), reps);
    const { anchors } = gen.gridAnchors(sizes);
    const validFlags = gen.validFlags(sizes, [512, 480]);
    const n = anchors.length / 4;
    rows.push({
      case: `${label}: anchor generation`,
      anchors: n,
      gts: 0,
      median_ms: +t.median.toFixed(3),
      min_ms: +t.min.toFixed(3),
    });
    for (const g of [10, 100]) {
      const gts = gtBoxes(g, g);
      const rng = Rng.from(1);
      const run = () => {
        const a = assignMaxIou({ candidates: anchors, gts, validFlags }, opts);
        return sampler === 'pseudo' ? pseudoSample(a) : randomSample(a, { num: 256, posFraction: 0.5 }, rng);
      };
      const tt = timeMs(run, reps);
      rows.push({
        case: `${label}: assign + ${sampler} sampler`,
        anchors: n,
        gts: g,
        median_ms: +tt.median.toFixed(3),
        min_ms: +tt.min.toFixed(3),
      });
    }
  }
  console.table(rows);
  const out = fileURLToPath(new URL('./results/assign.json', import.meta.url));
  const payload = {
    benchmark: 'assign',
    backend: 'plain JS (backend-independent)',
    image: 512,
    reps,
    rows,
    environment: {
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      loadavg_1m_at_end: loadavg()[0],
      note: 'shared, loaded 2-core machine (several helpers running); compare ratios, not absolute values',
    },
  };
  writeFileSync(`${out}.tmp`, JSON.stringify(payload, null, 2) + '\n');
  renameSync(`${out}.tmp`, out);
  console.log(`wrote ${out}`);
}

main();
