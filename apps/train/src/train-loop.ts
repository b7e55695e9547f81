/**
 * The training loop: batches from the checkpointed loader position, scheduled lr, one generic
 * {@link trainStep} each, NaN/Inf guard, metrics, progress and hooks, checkpoints at epoch ends,
 * every `saveEveryMinutes`, on a stop request (signal) and on an error between steps
 * (latest-keeper.ts), periodic and final evaluation (detections.json, eval.json, best checkpoint).
 */
import path from 'node:path';
import { atomicWriteJson } from '@apdet/io';
import { trainStep, type Detector } from '@apdet/detector';
import type { LrSchedule, Optimizer } from '@apdet/nn';
import { BEST, LATEST, saveState, type TrainState } from './checkpoints.js';
import { LatestKeeper } from './latest-keeper.js';
import { writing } from './output-paths.js';
import { STOP_SIGNALS, stopSignalName } from './stop-signals.js';
import { toTrainBatch, type DatasetFiles, type RunData } from './data.js';
import { EvaluationStoppedError, TrainingDivergedError, TrainingInterruptedError } from './errors.js';
import { evalJson, evaluateOnVal } from './evaluate.js';
import type { TrainingHooks } from './hooks.js';
import type { MetricsLog } from './metrics.js';
import type { Progress } from './progress.js';
import type { RunIo } from './run-io.js';
import type { RunSettings } from './settings.js';

export interface LoopContext {
  settings: RunSettings;
  runDir: string;
  model: Detector;
  optimizer: Optimizer;
  data: RunData;
  files: DatasetFiles;
  schedule: LrSchedule;
  stepsPerEpoch: number;
  totalIters: number;
  stopIter: number;
  metrics: MetricsLog;
  progress: Progress;
  hooks: TrainingHooks;
  io: RunIo;
  /** Aborted: stop at the next step boundary, save latest, throw TrainingInterruptedError. */
  signal?: AbortSignal;
}

export interface LoopOutput {
  state: TrainState;
  /** The final evaluation's 12 COCO stats; null when a hook stopped the run. */
  stats: readonly number[] | null;
  stopped: boolean;
}

/** Seconds per step, smoothed (the first steps include warm-up compilation, so a mean would lie for long). */
class StepTimer {
  private ema: number | null = null;
  update(seconds: number): number {
    this.ema = this.ema === null ? seconds : 0.9 * this.ema + 0.1 * seconds;
    return this.ema;
  }
}

/** Lets pending signal handlers run (signals are delivered between event-loop turns, not inside a step). */
const eventLoopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainLoop(ctx: LoopContext, state: TrainState): Promise<LoopOutput> {
  const { settings, model, optimizer, data, stepsPerEpoch, stopIter } = ctx;
  const c = settings.config;
  const timer = new StepTimer();
  const keeper = new LatestKeeper(ctx.runDir, model, optimizer, state.iter, settings.saveEveryMinutes * 60_000);
  let stopped = false;
  let interrupted = ctx.signal?.aborted === true;
  // False while a step may have changed the model part-way: nothing is saved from such a state.
  let consistent = true;
  let last = performance.now();
  try {
    if (state.iter < stopIter && !interrupted) {
      for await (const batch of data.trainLoader.from(state.next)) {
        const lr = c.train.lr * ctx.schedule(state.iter);
        const input = toTrainBatch(batch);
        let result;
        consistent = false;
        try {
          result = trainStep(model, optimizer, input, {
            lr,
            gradClipNorm: c.train.gradClipNorm,
            iter: state.iter,
            seed: settings.seed,
          });
        } finally {
          input.images.dispose();
        }
        const checked: [string, number | null][] = [
          ['loss', result.total],
          ...Object.entries(result.parts),
          ['gradNorm', result.gradNorm],
        ];
        const bad = checked.find(([, v]) => v !== null && !Number.isFinite(v));
        if (bad) {
          ctx.progress.done();
          // The step has already applied non-finite updates: nothing after the last checkpoint is saved.
          const kept =
            keeper.savedAt > 0
              ? `the last good checkpoint is ${path.join(ctx.runDir, LATEST)} (step ${keeper.savedAt})`
              : 'no checkpoint was written yet';
          throw new TrainingDivergedError(
            `training diverged: ${bad[0]} is ${bad[1]} at step ${state.iter + 1} (epoch ${batch.position.epoch + 1}, lr ${lr.toExponential(3)}); ${kept}. Try a lower --lr or a gradClipNorm in --config.`,
            bad[0],
            bad[1]!,
            state.iter + 1,
          );
        }
        const now = performance.now();
        const stepSeconds = timer.update((now - last) / 1000);
        state.trainSeconds += (now - last) / 1000;
        state.iter += 1;
        state.next = data.trainLoader.next(batch.position);
        consistent = true;
        const logged = state.iter % settings.logEvery === 0 || state.iter === stopIter;
        const report = {
          iter: state.iter,
          totalIters: stopIter,
          epoch: batch.position.epoch,
          epochs: c.train.epochs,
          step: batch.position.step,
          stepsPerEpoch,
          loss: result.total,
          parts: result.parts,
          lr,
          imagesPerSecond: batch.shape[0] / stepSeconds,
          etaSeconds: (stopIter - state.iter) * stepSeconds,
        };
        ctx.progress.step(report, logged);
        if (logged) {
          await ctx.metrics.append({
            type: 'train',
            iter: state.iter,
            epoch: report.epoch,
            step: report.step,
            lr,
            loss: result.total,
            parts: result.parts,
            stats: result.stats,
            gradNorm: result.gradNorm,
            imagesPerSecond: report.imagesPerSecond,
            trainSeconds: state.trainSeconds,
          });
        }
        const verdict = ctx.hooks.afterStep?.({
          iter: state.iter,
          stopIter,
          epoch: report.epoch,
          lr,
          loss: result.total,
          parts: result.parts,
          gradNorm: result.gradNorm,
        });
        if (verdict === 'stop') {
          stopped = true;
          break;
        }
        const epochEnded = state.next.step === 0;
        const done = state.iter >= stopIter;
        if (epochEnded && !done) {
          await keeper.save(state);
          const epochsDone = state.next.epoch;
          if (settings.evalEvery > 0 && epochsDone % settings.evalEvery === 0) await evaluate(ctx, state, false);
        } else if (!done && keeper.due(state)) {
          await keeper.save(state);
        }
        if (done) break;
        if (ctx.signal) {
          await eventLoopTurn();
          if (ctx.signal.aborted) {
            interrupted = true;
            break;
          }
        }
        last = performance.now(); // time spent checkpointing/evaluating is not a training step's
      }
    }
    ctx.progress.done();
    if (interrupted) throw await interruption(ctx, keeper, state);
    await keeper.save(state);
    if (stopped) return { state, stats: null, stopped };
    const stats = await evaluate(ctx, state, true);
    return { state, stats, stopped };
  } catch (error) {
    if (error instanceof EvaluationStoppedError) {
      throw interruptedError(
        ctx,
        state,
        `during the final evaluation; ${keeper.describeSaved()} (all of the training)`,
      );
    }
    if (!consistent || error instanceof TrainingDivergedError || error instanceof TrainingInterruptedError) throw error;
    ctx.progress.done();
    throw await keeper.afterError(error, state, ctx.io.log);
  }
}

/** Saves `latest` where a stop request ended the loop, and the error that ends the run. */
async function interruption(ctx: LoopContext, keeper: LatestKeeper, state: TrainState): Promise<Error> {
  if (state.iter > keeper.savedAt) await keeper.save(state);
  const where =
    state.iter === 0
      ? 'before the first step; nothing to save'
      : `at step ${state.iter} (epoch ${state.next.epoch + 1}, step ${state.next.step} of ${ctx.stepsPerEpoch}); ` +
        `saved ${keeper.file}`;
  return interruptedError(ctx, state, where);
}

function interruptedError(ctx: LoopContext, state: TrainState, where: string): TrainingInterruptedError {
  const signal = ctx.signal ? stopSignalName(ctx.signal) : 'SIGINT';
  return new TrainingInterruptedError(
    `interrupted by ${signal} ${where}; continue with --resume ${ctx.runDir}`,
    signal,
    state.iter,
    STOP_SIGNALS[signal],
  );
}

/** Evaluates on val, logs the result, keeps `best`; the final evaluation also writes the reports. */
async function evaluate(ctx: LoopContext, state: TrainState, final: boolean): Promise<readonly number[]> {
  const { data, model } = ctx;
  ctx.progress.line(`evaluating on ${data.valSubset.length} val images (step ${state.iter})…`);
  const v = await evaluateOnVal(
    model,
    data.valSubset,
    data.valPipeline,
    ctx.files.valAnnotations,
    ctx.settings.classes!,
    ctx.settings.config.train.batchSize,
    // Only the final evaluation may be cut short: `latest` then holds the whole training, and
    // --resume evaluates again; a periodic one completes (its result may update `best`).
    final && ctx.signal ? { signal: ctx.signal } : {},
  );
  const [ap, ap50, ap75] = v.result.stats as [number, number, number];
  await ctx.metrics.append({
    type: 'eval',
    iter: state.iter,
    epoch: state.next.step === 0 ? state.next.epoch - 1 : state.next.epoch,
    ap,
    ap50,
    ap75,
    stats: v.result.stats,
    detections: v.detections.length,
    seconds: v.seconds,
  });
  ctx.progress.line(
    `val AP ${ap.toFixed(4)}  AP50 ${ap50.toFixed(4)}  AP75 ${ap75.toFixed(4)}  (${v.detections.length} detections, ${v.seconds.toFixed(1)} s)`,
  );
  for (const warning of v.warnings) ctx.progress.line(warning);
  if (ap > state.bestAp) {
    state.bestAp = ap;
    state.bestIter = state.iter;
    await saveState(path.join(ctx.runDir, BEST), model, ctx.optimizer, state);
    // `latest` must agree on the best AP, or a resumed run would overwrite a better `best`.
    await saveState(path.join(ctx.runDir, LATEST), model, ctx.optimizer, state);
  }
  if (final) {
    const detectionsFile = path.join(ctx.runDir, 'detections.json');
    await writing(detectionsFile, () => atomicWriteJson(detectionsFile, v.detections));
    const extra = {
      run: ctx.runDir,
      checkpoint: LATEST,
      iter: state.iter,
      gt: ctx.files.valAnnotations,
      dt: path.join(ctx.runDir, 'detections.json'),
      valImages: data.valSubset.length,
      trainSeconds: state.trainSeconds,
      evalSeconds: v.seconds,
      bestAp: state.bestAp,
      bestIter: state.bestIter,
    };
    const evalFile = path.join(ctx.runDir, 'eval.json');
    await writing(evalFile, () => atomicWriteJson(evalFile, evalJson(v.result, extra, v.warnings)));
    ctx.io.out(`${v.result.summary.map((s) => s.line).join('\n')}\n`);
    ctx.io.out(
      `\nrun folder: ${ctx.runDir} (eval.json, detections.json, metrics.jsonl, ${LATEST}, ${BEST}; trained ${(state.trainSeconds / 60).toFixed(1)} min)\n`,
    );
  }
  ctx.hooks.afterEval?.({ iter: state.iter, stats: v.result.stats, final });
  return v.result.stats;
}
