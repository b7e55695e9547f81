/**
 * Forward + backward + SGD step time per batch of RetinaNet variants on the built-in shapes
 * input size (128×128), used to size `retinanet-tiny`. Synthetic images and boxes (the time
 * does not depend on pixel values). Writes bench/results/step-time.json.
 *
 *   pnpm exec tsx packages/retinanet/bench/step-time.ts [--backend wasm|cpu] [--batch 16] [--iters 5] [--variants tiny,tiny-bn]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@apdet/backend';
import { atomicWriteJson } from '@apdet/io';
import { getLoss } from '@apdet/losses';
import { SGD, paramGroups } from '@apdet/nn';
import { trainStep, type ImageAnnotations } from '@apdet/detector';
import { RetinaNet, getConfig, resolveConfig, type RetinaNetConfigOverrides } from '../src/index.js';

const VARIANTS: Record<string, RetinaNetConfigOverrides> = {
  tiny: {},
  'tiny-bn': { backbone: { norm: 'bn' } },
  'tiny-head1': { head: { stackedConvs: 1 } },
  'tiny-fpn64': { fpn: { outChannels: 64 }, head: { channels: 64 } },
  'tiny-w0.5': { backbone: { widthMultiplier: 0.5 } },
  'tiny-r18full-w0.25': { backbone: { blocks: [2, 2, 2, 2] } },
};

function syntheticBatch(
  batch: number,
  size: number,
  seed: number,
): { images: tf.Tensor4D; annotations: ImageAnnotations[] } {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const annotations: ImageAnnotations[] = [];
  for (let b = 0; b < batch; b++) {
    const n = 2 + Math.floor(rand() * 7);
    const boxes: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const w = 10 + rand() * 46;
      const h = 10 + rand() * 46;
      const x = rand() * (size - w);
      const y = rand() * (size - h);
      boxes.push(x, y, x + w, y + h);
      labels.push(Math.floor(rand() * 6));
    }
    annotations.push({ boxes, labels, validShape: [size, size] });
  }
  return { images: tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D, annotations };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      batch: { type: 'string', default: '16' },
      iters: { type: 'string', default: '5' },
      losses: { type: 'string', default: 'focal+l1,param-ap' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    },
  });
  const backend = await initBackend({ backend: values.backend as 'wasm' | 'cpu', log: false });
  const batch = Number(values.batch);
  const iters = Number(values.iters);
  const rows: Record<string, unknown>[] = [];
  const data = syntheticBatch(batch, 128, 7);
  console.log(`backend ${backend.name}, batch ${batch}, 128×128, median of ${iters} steps after 1 warm-up`);
  console.log('| variant | loss | params | anchors/img | median ms/batch | min ms | img/s |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const variant of values.variants.split(',')) {
    for (const lossName of values.losses.split(',')) {
      const loss = getLoss(lossName);
      const config = resolveConfig(getConfig('retinanet-tiny'), VARIANTS[variant], variant);
      const model = new RetinaNet(config, { loss, seed: 0 });
      const sgd = new SGD(paramGroups(model, { weightDecay: 1e-4 }), { momentum: 0.9 });
      const times: number[] = [];
      for (let i = 0; i <= iters; i++) {
        const t0 = performance.now();
        trainStep(model, sgd, data, { lr: 0.001, gradClipNorm: 0, iter: 0, seed: 0 });
        if (i > 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const anchors = model.anchors(128, 128).anchors.length / 4;
      const row = {
        variant,
        loss: lossName,
        params: model.countParameters(),
        anchorsPerImage: anchors,
        medianMs: Math.round(median),
        minMs: Math.round(times[0]),
        imgPerS: +((batch * 1000) / median).toFixed(1),
      };
      rows.push(row);
      console.log(
        `| ${variant} | ${lossName} | ${row.params} | ${anchors} | ${row.medianMs} | ${row.minMs} | ${row.imgPerS} |`,
      );
      sgd.dispose();
      model.dispose();
    }
  }
  const loadavg = (await import('node:os')).loadavg();
  await atomicWriteJson(new URL('./results/step-time.json', import.meta.url).pathname, {
    command: 'pnpm exec tsx packages/retinanet/bench/step-time.ts',
    backend: backend.name,
    threads: backend.threads,
    batch,
    inputSize: [128, 128],
    note: `shared, loaded 2-core machine (1-min load average ${loadavg[0].toFixed(1)} at the end); compare ratios`,
    rows,
  });
}

await main();
