import { UserError } from '@apdet/io';
import { Rng } from '../rng.js';
import type { Pipeline } from '../transforms/pipeline.js';
import type { Sample } from '../transforms/sample.js';
import { collate, nextPosition, type Batch, type LoaderPosition } from './collate.js';
import type { DetectionDataset } from './dataset.js';
import { planEpoch, STREAM_SAMPLE } from './epoch-plan.js';
import { TransformWorkerPool } from './worker-pool.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Seeds shuffling and augmentation; sample i of epoch e uses Rng.from(seed, e, i). */
  seed: number;
  /** Default true. */
  shuffle?: boolean;
  /** Drop a last, smaller batch. Default false. */
  dropLast?: boolean;
  /** Batches decoded ahead of the consumer (bounded memory). Default 2. */
  prefetch?: number;
  /** Keep wide and tall images in separate batches (less padding). Default false. */
  groupByAspectRatio?: boolean;
  /** Batch sides are rounded up to a multiple of this. Default 32. */
  sizeDivisor?: number;
  padValue?: number;
  /**
   * Worker threads that decode and transform (0 = the main thread, the default). Needs a
   * preset pipeline (it is rebuilt in each worker from `pipeline.spec`) and a dataset with
   * `source()`. Results are bit-identical to the main thread's. Call `close()` when done.
   */
  workers?: number;
}

/**
 * Batches a dataset through a pipeline with seeded shuffling and bounded prefetching: up
 * to `prefetch` batches are being decoded (sharp, on libuv's threadpool) and transformed
 * while the consumer trains on the current one. Every batch is a pure function of
 * (seed, epoch, step), so a run resumed from a checkpoint's position sees the same data.
 *
 * @example
 * const loader = new DataLoader(dataset, shapesTrainPipeline(), { batchSize: 16, seed: 0 });
 * for await (const batch of loader.epoch(0)) train(batch);
 */
export class DataLoader {
  readonly options: Required<DataLoaderOptions>;
  private plans = new Map<number, number[][]>();
  private pool: TransformWorkerPool | null = null;

  constructor(
    readonly dataset: DetectionDataset,
    readonly pipeline: Pipeline,
    options: DataLoaderOptions,
  ) {
    this.options = {
      shuffle: true,
      dropLast: false,
      prefetch: 2,
      groupByAspectRatio: false,
      sizeDivisor: 32,
      padValue: 0,
      workers: 0,
      ...options,
    };
    if (this.options.workers > 0) {
      if (pipeline.spec === undefined)
        throw new UserError(`DataLoader: workers need a preset pipeline (with a spec); "${pipeline.name}" has none`);
      if (dataset.source === undefined)
        throw new UserError('DataLoader: workers need a dataset with source() (CocoDetectionDataset has it)');
    }
    if (!(Number.isInteger(this.options.prefetch) && this.options.prefetch >= 1))
      throw new RangeError(`prefetch must be an integer >= 1, got ${this.options.prefetch}`);
  }

  /** The batches (dataset indices) of `epoch`. */
  plan(epoch: number): number[][] {
    let plan = this.plans.get(epoch);
    if (plan === undefined) {
      const o = this.options;
      plan = planEpoch({
        length: this.dataset.length,
        batchSize: o.batchSize,
        seed: o.seed,
        epoch,
        shuffle: o.shuffle,
        dropLast: o.dropLast,
        ...(o.groupByAspectRatio ? { aspectRatios: (i: number) => this.dataset.aspectRatio(i) } : {}),
      });
      // A few epochs at most: the current one, the next (prefetch across the boundary), epoch 0 for stepsPerEpoch.
      if (this.plans.size >= 4) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(epoch, plan);
    }
    return plan;
  }

  get stepsPerEpoch(): number {
    return this.plan(0).length;
  }

  /** The position after `position` (rolls over to the next epoch). */
  next(position: LoaderPosition): LoaderPosition {
    return nextPosition(position, this.plan(position.epoch).length);
  }

  /** Loads and transforms one sample exactly as the loader does. */
  async sample(index: number, epoch: number): Promise<Sample> {
    const keys = [this.options.seed, epoch, STREAM_SAMPLE, index];
    if (this.options.workers > 0) {
      this.pool ??= new TransformWorkerPool(this.options.workers, this.pipeline.spec!);
      return this.pool.run(this.dataset.source!(index), keys);
    }
    const raw = await this.dataset.load(index);
    return this.pipeline.apply(raw, Rng.from(...keys));
  }

  /** Ends the worker threads, if any (they never keep the process alive while idle). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  /** One batch, by position (random access; no prefetching). */
  async batchAt(position: LoaderPosition): Promise<Batch> {
    const indices = this.plan(position.epoch)[position.step];
    if (indices === undefined)
      throw new RangeError(
        `epoch ${position.epoch} has ${this.plan(position.epoch).length} steps; step ${position.step} does not exist`,
      );
    const samples = await Promise.all(indices.map((i) => this.sample(i, position.epoch)));
    return collate(samples, { ...position }, this.options.sizeDivisor, this.options.padValue);
  }

  /**
   * The batches of `epoch` from `fromStep` on, with up to `prefetch` batches in flight.
   * Breaking out of the loop early is fine: batches in flight are discarded.
   */
  async *epoch(epoch: number, fromStep = 0): AsyncGenerator<Batch> {
    const steps = this.plan(epoch).length;
    const inFlight: Promise<Batch>[] = [];
    let nextStep = fromStep;
    const launch = (): void => {
      const promise = this.batchAt({ epoch, step: nextStep++ });
      // Rejections surface when the batch is awaited; this only silences early ones.
      promise.catch(() => undefined);
      inFlight.push(promise);
    };
    while (nextStep < steps && inFlight.length < this.options.prefetch) launch();
    while (inFlight.length > 0) {
      const batch = await inFlight.shift()!;
      if (nextStep < steps) launch();
      yield batch;
    }
  }

  /** Batches from `start` on across epochs, forever (the training loop decides when to stop). */
  async *from(start: LoaderPosition = { epoch: 0, step: 0 }): AsyncGenerator<Batch> {
    for (let epoch = start.epoch; ; epoch++) {
      yield* this.epoch(epoch, epoch === start.epoch ? start.step : 0);
    }
  }
}
