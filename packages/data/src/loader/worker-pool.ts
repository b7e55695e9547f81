import { Worker } from 'node:worker_threads';
import { UserError } from '@apdet/io';
import type { PipelineSpec } from '../transforms/pipeline.js';
import type { Sample } from '../transforms/sample.js';
import type { SampleSource } from './dataset.js';

interface Pending {
  resolve: (sample: Sample) => void;
  reject: (error: Error) => void;
  worker: number;
}

/**
 * Worker threads that decode and transform samples, so augmentation uses the other cores
 * while the main thread trains. Workers are unreferenced while idle, so a forgotten pool
 * never keeps the process alive; call {@link close} to end them at once.
 */
export class TransformWorkerPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(size: number, spec: PipelineSpec) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`workers must be an integer >= 1, got ${size}`);
    this.workers = Array.from({ length: size }, (_, w) => this.start(w, spec));
    this.busy = new Array<number>(size).fill(0);
  }

  /** Decodes and transforms one sample in the least busy worker. */
  run(source: SampleSource, keys: number[]): Promise<Sample> {
    let w = 0;
    for (let k = 1; k < this.workers.length; k++) if (this.busy[k] < this.busy[w]) w = k;
    const id = this.nextId++;
    if (this.busy[w]++ === 0) this.workers[w].ref();
    return new Promise<Sample>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.workers[w].postMessage({ id, source, keys });
    });
  }

  /** Ends the workers; samples still in flight are rejected. */
  async close(): Promise<void> {
    for (const p of this.pending.values()) p.reject(new Error('worker pool closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private start(index: number, spec: PipelineSpec): Worker {
    const worker = new Worker(new URL('./transform-worker.mjs', import.meta.url), { workerData: { spec } });
    worker.unref();
    worker.on(
      'message',
      (message: { id: number; sample?: Sample; error?: { name: string; message: string; stack?: string } }) =>
        this.settle(message),
    );
    worker.on('error', (error) => this.failWorker(index, error));
    return worker;
  }

  private settle(message: {
    id: number;
    sample?: Sample;
    error?: { name: string; message: string; stack?: string };
  }): void {
    const p = this.pending.get(message.id);
    if (p === undefined) return;
    this.pending.delete(message.id);
    if (--this.busy[p.worker] === 0) this.workers[p.worker].unref();
    if (message.error === undefined) {
      p.resolve(message.sample!);
      return;
    }
    // Keep user errors (a missing image) user errors across the thread boundary.
    const error =
      message.error.name === 'UserError'
        ? new UserError(message.error.message)
        : Object.assign(new Error(message.error.message), { stack: message.error.stack });
    p.reject(error);
  }

  private failWorker(index: number, error: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== index) continue;
      this.pending.delete(id);
      p.reject(error);
    }
  }
}
