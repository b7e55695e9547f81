/**
 * The proxy warm start. The official proxy trainings start from an ImageNet-pretrained
 * backbone (docs/spec/paper-spec.md §8); trained from scratch for a minute, our proxies score AP ≈ 0 with
 * any loss, so the reward carries no signal. The equivalent here: before round 1 the search
 * trains the detector once with a baseline loss on proxy-train (never proxy-val), and every
 * proxy training starts its backbone and FPN from that checkpoint (`apdet-train --init`; the
 * head, optimiser and schedule start fresh, so the sampled loss still trains the whole
 * classifier and regressor). The baseline keeps the features free of any Parameterized AP
 * loss, so no sampled θ is favoured by the starting point.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { atomicWriteJson } from '@apdet/io';
import { runTraining, trainingJobFromFlags, type RunIo, type TrainFlags } from '@apdet/train';
import { DEFAULT_PROXY } from './proxy-defaults.js';
import type { ProxyTaskSettings } from './proxy-task.js';

/** The warm-start run's folder inside the search folder. */
export const PRETRAIN_DIR = 'proxy-pretrain';

export interface ProxyPretrainOptions {
  /** The search folder; the run goes to `<searchDir>/proxy-pretrain`. */
  searchDir: string;
  task: ProxyTaskSettings;
  epochs: number;
  seed: number;
  /** wasm threads of the one training (the proxies later run one per core). */
  threads?: number;
  io: RunIo;
}

/**
 * Trains (or finishes, or reuses) the warm-start run and returns its checkpoint's absolute
 * path, for `task.init`. Interrupted, it continues from its last checkpoint next time.
 */
export async function ensureProxyPretrain(options: ProxyPretrainOptions): Promise<string> {
  const runDir = path.join(options.searchDir, PRETRAIN_DIR);
  const checkpoint = path.resolve(runDir, 'latest.safetensors');
  if (existsSync(path.join(runDir, 'eval.json'))) {
    options.io.log(`proxy warm start: reusing ${checkpoint}`);
    return checkpoint;
  }
  const threads = options.threads ?? Math.min(2, os.availableParallelism());
  const flags: TrainFlags = existsSync(path.join(runDir, 'manifest.json'))
    ? { help: false, detector: options.task.detector, resume: runDir, threads }
    : pretrainFlags(options, runDir, threads, await writePretrainConfig(options));
  options.io.log(
    `proxy warm start: ${DEFAULT_PROXY.pretrainLoss}, ${options.epochs} epoch${options.epochs === 1 ? '' : 's'} on proxy-train (${options.task.split.dir}) into ${runDir}`,
  );
  // runTraining disposes the warm-start model's weights: the search process goes on for an hour.
  const result = await runTraining(await trainingJobFromFlags(flags), { io: options.io });
  const ap = result.stats?.[0];
  options.io.log(
    `proxy warm start done: proxy-val AP ${ap === undefined ? 'n/a' : ap.toFixed(4)} after ${result.state.iter} steps`,
  );
  return checkpoint;
}

/**
 * The proxies' config (same backbone and FPN, which `--init` requires) with the preset's own
 * lr, lr warm-up and a cosine decay instead of the proxies' lower constant lr after a short
 * warm-up: this is a complete short training from scratch, not a proxy. (Measured: with the proxies' 10-step
 * warm-up, focal+l1 from scratch hit a gradient norm of 78 at step 10 and stalled, the box loss
 * never falling, proxy-val AP 0.0005 after 600 steps.)
 */
async function writePretrainConfig(options: ProxyPretrainOptions): Promise<string> {
  const file = path.join(options.searchDir, `${PRETRAIN_DIR}-config.json`);
  await mkdir(options.searchDir, { recursive: true });
  await atomicWriteJson(file, pretrainConfigOf(options.task.config));
  return file;
}

/** The warm start's config derived from the proxies' config (see writePretrainConfig). */
export function pretrainConfigOf(proxyConfig: ProxyTaskSettings['config']): Record<string, unknown> {
  const base = typeof proxyConfig === 'string' ? { base: proxyConfig } : proxyConfig;
  const proxyTrain =
    typeof base.train === 'object' && base.train !== null ? (base.train as Record<string, unknown>) : {};
  const { lr: _lr, warmupIters: _warmup, lrSchedule: _schedule, lrSteps: _steps, ...train } = proxyTrain;
  return { ...base, train: { ...train, lrSchedule: 'cosine', lrSteps: [] } };
}

function pretrainFlags(options: ProxyPretrainOptions, runDir: string, threads: number, config: string): TrainFlags {
  const { task } = options;
  return {
    help: false,
    detector: task.detector,
    loss: DEFAULT_PROXY.pretrainLoss,
    config,
    data: task.split.dir,
    epochs: options.epochs,
    // The warm start sees proxy-val only in its final report (the AP logged above), which
    // selects nothing: `latest`, not `best`, is what the proxies load.
    seed: options.seed,
    threads,
    out: runDir,
    ...(task.backend === undefined ? {} : { backend: task.backend }),
    ...(task.maxSteps === undefined ? {} : { maxSteps: task.maxSteps }),
  };
}
