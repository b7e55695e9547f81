/**
 * Shared bench helpers: machine load (the 2-core CI/dev machine is often shared, which
 * distorts wall times), and writing results next to the benches.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialMu, RETINANET_SPACE, thetaToLossParams, type ProxyJob } from '@apdet/search';
import type { ProxyTaskSettings } from '../src/proxy-task.js';

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export interface MachineLoad {
  cores: number;
  /** 1-minute load average (runnable processes); above the core count means contention. */
  loadavg1: number;
  loadavg5: number;
}

export function machineLoad(): MachineLoad {
  const [one, five] = os.loadavg();
  return { cores: os.availableParallelism(), loadavg1: Number(one.toFixed(2)), loadavg5: Number(five.toFixed(2)) };
}

/** A proxy job for θ = the search's start (every function the identity, w = 1): `param-ap:linear`. */
export function linearProxyJob(task: ProxyTaskSettings, key: string, seed: number): ProxyJob {
  const theta = initialMu(RETINANET_SPACE);
  return {
    key,
    round: 0,
    sample: Number(key.replace(/\D+/g, '')) || 0,
    theta,
    seed,
    lossParams: thetaToLossParams(RETINANET_SPACE, theta) as unknown as Record<string, unknown>,
    task: task,
  };
}

export async function writeResult(name: string, result: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
