/**
 * Runs in a worker thread of {@link TransformWorkerPool}: decodes a sample source and applies
 * the pipeline rebuilt from its spec, with the same Rng keys the main thread would use, so
 * the result is bit-identical to loading on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../rng.js';
import { pipelineFromSpec } from '../transforms/presets.js';
import type { PipelineSpec } from '../transforms/pipeline.js';
import type { Sample } from '../transforms/sample.js';
import { loadSampleSource, type SampleSource } from './dataset.js';

interface Job {
  id: number;
  source: SampleSource;
  keys: number[];
}

const pipeline = pipelineFromSpec((workerData as { spec: PipelineSpec }).spec);
const port = parentPort!;

port.on('message', (job: Job) => {
  loadSampleSource(job.source)
    .then((raw) => {
      const sample = pipeline.apply(raw, Rng.from(...job.keys));
      port.postMessage({ id: job.id, sample }, transferables(sample));
    })
    .catch((error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id: job.id, error: { name: e.name, message: e.message, stack: e.stack } });
    });
});

function transferables(sample: Sample): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of [sample.image.data, sample.boxes, sample.labels, sample.ignoreBoxes]) {
    if (view.buffer instanceof ArrayBuffer && view.byteLength === view.buffer.byteLength) buffers.add(view.buffer);
  }
  return [...buffers];
}
