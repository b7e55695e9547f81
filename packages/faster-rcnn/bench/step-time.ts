/**
 * Forward + backward + SGD step time per batch of Faster R-CNN variants on the built-in shapes
 * input size (128×128), used to size `faster-rcnn-tiny` against `retinanet-tiny` (measure that one
 * back to back with `pnpm exec tsx packages/retinanet/bench/step-time.ts --variants tiny`).
 * Synthetic images and boxes (the time does not depend on pixel values, the proposals do a
 * little). Writes bench/results/step-time.json.
 *
 *   pnpm exec tsx packages/faster-rcnn/bench/step-time.ts [--backend wasm|cpu] [--threads 1] [--batch 16] [--iters 3] [--variants tiny,tiny-fc256]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@apdet/backend';
import { trainStep, type ImageAnnotations } from '@apdet/detector';
import { atomicWriteJson } from '@apdet/io';
import { getLoss } from '@apdet/losses';
import { SGD, paramGroups } from '@apdet/nn';
import { Rng } from '@apdet/rng';
import { FasterRCNN, getConfig, resolveConfig, type FasterRcnnConfigOverrides } from '../src/index.js';

const VARIANTS: Record<string, FasterRcnnConfigOverrides> = {
  tiny: {},
  // The paper's P2 level (stride 4) on C2–C5, anchors of the same sizes (scale 4 × 4…32 px).
  'tiny-p2': {
    fpn: { inLevels: [2, 3, 4, 5] },
    anchors: { strides: [4, 8, 16, 32], scales: [4] },
    roi: { levels: [2, 3, 4, 5] },
  },
  'tiny-post32': { rpn: { train: { postNmsTopN: 32 } } },
  'tiny-post128': { rpn: { train: { preNmsTopK: 256, postNmsTopN: 128 } } },
  'tiny-fc256': { roi: { fcChannels: 256 } },
};

/** `batch` images of `size`² with 2–8 shapes-like boxes of 10–56 px and classes in [0, 6). */
function syntheticBatch(
  batch: number,
  size: number,
  seed: number,
): { images: tf.Tensor4D; annotations: ImageAnnotations[] } {
  const rng = Rng.from(seed, batch, size);
  const annotations: ImageAnnotations[] = [];
  for (let b = 0; b < batch; b++) {
    const n = rng.int(2, 9);
    const boxes: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = rng.uniform(10, 56);
      const h = rng.uniform(10, 56);
      const x = rng.uniform(0, size - w);
      const y = rng.uniform(0, size - h);
      boxes.push(x, y, x + w, y + h);
      labels.push(rng.int(0, 6));
    }
    annotations.push({ boxes, labels, validShape: [size, size] });
  }
  return { images: tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D, annotations };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      threads: { type: 'string', default: '1' },
      batch: { type: 'string', default: '16' },
      iters: { type: 'string', default: '3' },
      losses: { type: 'string', default: 'param-ap,ce+l1' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    },
  });
  const backend = await initBackend({
    backend: values.backend as 'wasm' | 'cpu',
    threads: Number(values.threads),
    log: false,
  });
  const batch = Number(values.batch);
  const iters = Number(values.iters);
  const rows: Record<string, unknown>[] = [];
  const data = syntheticBatch(batch, 128, 7);
  console.log(
    `backend ${backend.name} (${backend.threads} threads), batch ${batch}, 128×128, median of ${iters} steps after 1 warm-up`,
  );
  console.log(
    '| variant | loss | params | anchors/img | RoIs/step | median ms/batch | min ms | CPU ms (median) | img/s |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const variant of values.variants.split(',')) {
    for (const lossName of values.losses.split(',')) {
      const config = resolveConfig(getConfig('faster-rcnn-tiny'), VARIANTS[variant], variant);
      const model = new FasterRCNN(config, { loss: getLoss(lossName), seed: 0 });
      const sgd = new SGD(paramGroups(model, { weightDecay: 1e-4 }), { momentum: 0.9 });
      const times: number[] = [];
      const cpuTimes: number[] = [];
      let rois = 0;
      for (let i = 0; i <= iters; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const r = trainStep(model, sgd, data, { lr: 0.001, gradClipNorm: 0, iter: 0, seed: 0 });
        const cpu = process.cpuUsage(c0);
        if (i > 0) {
          times.push(performance.now() - t0);
          cpuTimes.push((cpu.user + cpu.system) / 1000);
        }
        rois = r.stats['roi/samples'];
      }
      times.sort((a, b) => a - b);
      cpuTimes.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)];
      const anchors = model.anchors(128, 128).anchors.length / 4;
      const row = {
        variant,
        loss: lossName,
        params: model.countParameters(),
        anchorsPerImage: anchors,
        roisPerStep: rois,
        medianMs: Math.round(median),
        minMs: Math.round(times[0]),
        // Process CPU time of the step (user + system): steadier than wall time on a shared machine.
        cpuMedianMs: Math.round(cpuMedian),
        imgPerS: +((batch * 1000) / median).toFixed(1),
      };
      rows.push(row);
      console.log(
        `| ${variant} | ${lossName} | ${row.params} | ${anchors} | ${rois} | ${row.medianMs} | ${row.minMs} | ${row.cpuMedianMs} | ${row.imgPerS} |`,
      );
      sgd.dispose();
      model.dispose();
    }
  }
  data.images.dispose();
  await atomicWriteJson(new URL('./results/step-time.json', import.meta.url).pathname, {
    command: 'pnpm exec tsx packages/faster-rcnn/bench/step-time.ts',
    backend: backend.name,
    threads: backend.threads,
    batch,
    inputSize: [128, 128],
    note: `shared, loaded 2-core machine (1-min load average ${os.loadavg()[0].toFixed(1)} at the end); compare ratios`,
    rows,
  });
}

await main();
