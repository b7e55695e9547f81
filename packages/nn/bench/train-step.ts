/**
 * Benchmark: one training step (forward, backward, SGD update) of ResNet+FPN, batch 2.
 *
 *   pnpm exec tsx packages/nn/bench/train-step.ts [--configs r18-256,r50-512]
 *       [--backends wasm,wasm2,cpu] [--steps N] [--cap-s 300] [--no-torch]
 *
 * Model (RetinaNet-style, as the detectors use it): ResNet with frozen BN, conv1 + layer1
 * frozen (frozen_stages=1), FPN on C3–C5 with 256 channels and P6/P7 from C5. Loss: Σ levels
 * mean((P − 0.1)²). SGD momentum 0.9, wd 1e-4. Each backend runs in its own child process
 * (thread count and the wasm heap are per process); a run that has not finished one timed
 * step within --cap-s is killed and reported as "skipped: > cap". Where /usr/bin/python3 has
 * torch, bench/train_step_torch.py runs the same model in PyTorch (1 and 2 threads) and the
 * table shows our time / PyTorch's. Results go to bench/results/train-step.json.
 *
 * FLOPs are counted analytically from conv shapes (2·MACs): forward of every conv, plus the
 * filter gradient and input gradient of every trainable conv (frozen stages need neither).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { atomicWriteJson } from '@apdet/io';
import { runWorker, type WorkerResult } from './train-step-worker.js';

/** Timed steps per run (after one warm-up step) default to `steps` per config. */
const CONFIGS: Record<string, { depth: 18 | 50; size: number; steps: number }> = {
  'r18-256': { depth: 18, size: 256, steps: 3 },
  'r50-512': { depth: 50, size: 512, steps: 1 },
};
const BATCH = 2;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Row {
  config: string;
  backend: string;
  status: string;
  medianS?: number;
  /** Process CPU time per step (user + system): on a loaded machine, closer to the unloaded 1-thread time. */
  cpuS?: number;
  imagesPerS?: number;
  gflopPerS?: number;
  trainGflop?: number;
  torchMedianS?: number;
  ratioVsTorch?: number;
  cpuRatioVsTorch?: number;
}

/** Runs one (config, backend) in a child process; resolves with its JSON lines or a status. */
function runChild(args: string[], capS: number): Promise<{ results: WorkerResult[]; status: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const results: WorkerResult[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('{')) results.push(JSON.parse(line) as WorkerResult);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), capS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const timed = results.filter((r) => r.kind === 'step');
      if (timed.length > 0)
        resolve({ results, status: signal ? `ok (${timed.length} step(s) before the ${capS} s cap)` : 'ok' });
      else if (signal) resolve({ results, status: `skipped: > ${capS} s` });
      else resolve({ results, status: `failed (exit ${code})` });
    });
  });
}

interface TorchTiming {
  median_s: number;
  median_cpu_s: number;
}

function runTorch(
  depth: number,
  size: number,
  threads: number,
  steps: number,
  capS: number,
): Promise<TorchTiming | null> {
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/python3',
      [
        `${here}train_step_torch.py`,
        '--depth',
        String(depth),
        '--size',
        String(size),
        '--threads',
        String(threads),
        '--batch',
        String(BATCH),
        '--steps',
        String(steps),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), capS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(code === 0 ? (JSON.parse(out.trim().split('\n').pop()!) as TorchTiming) : null);
      } catch {
        resolve(null);
      }
    });
    child.on('error', () => resolve(null));
  });
}

async function torchAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string', default: 'r18-256,r50-512' },
      backends: { type: 'string', default: 'wasm,wasm2,cpu' },
      steps: { type: 'string' },
      'cap-s': { type: 'string', default: '300' },
      'no-torch': { type: 'boolean', default: false },
      worker: { type: 'boolean', default: false },
      config: { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (values.worker) {
    const c = CONFIGS[values.config!];
    await runWorker({ ...c, batch: BATCH, backend: values.backend!, steps: Number(values.steps ?? c.steps) });
    // The threaded wasm backend's pthread workers keep the event loop alive: exit explicitly.
    process.exit(0);
  }
  const capS = Number(values['cap-s']);
  const withTorch = !values['no-torch'] && (await torchAvailable());
  const rows: Row[] = [];
  for (const config of values.configs.split(',')) {
    const c = CONFIGS[config];
    if (!c) throw new Error(`unknown config ${config} (known: ${Object.keys(CONFIGS).join(', ')})`);
    const torch: Record<number, TorchTiming | null> = {};
    const stepCount = Number(values.steps ?? c.steps);
    // PyTorch is cheap enough for 3 timed steps everywhere; a single step is too noisy here.
    if (withTorch) for (const t of [1, 2]) torch[t] = await runTorch(c.depth, c.size, t, Math.max(3, stepCount), capS);
    for (const backend of values.backends.split(',')) {
      const { results, status } = await runChild(
        ['--config', config, '--backend', backend, '--steps', String(stepCount)],
        capS,
      );
      const stepResults = results.filter((r) => r.kind === 'step');
      const steps = stepResults.map((r) => r.seconds);
      const info = results.find((r) => r.kind === 'info');
      const row: Row = { config, backend, status: info?.note ? `${status}; ${info.note}` : status };
      if (steps.length > 0 && info) {
        const m = median(steps);
        const cpuS = median(stepResults.map((r) => r.cpuSeconds));
        Object.assign(row, {
          medianS: m,
          cpuS,
          imagesPerS: BATCH / m,
          trainGflop: info.trainFlops / 1e9,
          gflopPerS: info.trainFlops / 1e9 / m,
        });
        const t = torch[backend === 'wasm2' ? 2 : 1];
        if (t)
          Object.assign(row, {
            torchMedianS: t.median_s,
            ratioVsTorch: m / t.median_s,
            cpuRatioVsTorch: cpuS / t.median_cpu_s,
          });
      }
      rows.push(row);
      console.error(`${config} ${backend}: ${row.status}${row.medianS ? ` ${row.medianS.toFixed(2)} s/step` : ''}`);
    }
    if (withTorch) {
      for (const t of [1, 2]) {
        const r = torch[t];
        rows.push({
          config,
          backend: `pytorch ${t} thread(s)`,
          status: r ? 'ok' : 'failed or over the cap',
          medianS: r?.median_s,
          cpuS: r?.median_cpu_s,
          imagesPerS: r ? BATCH / r.median_s : undefined,
        });
      }
    }
  }
  // Keep the rows of configs not re-run this time, so configs can be re-measured one by one.
  const resultsFile = `${here}results/train-step.json`;
  const ran = new Set(rows.map((r) => r.config));
  const previous = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { rows: Row[]; runs?: string[] })
    : null;
  const merged = [...(previous?.rows ?? []).filter((r) => !ran.has(r.config)), ...rows];
  printTable(merged);
  await atomicWriteJson(resultsFile, {
    command: 'pnpm exec tsx packages/nn/bench/train-step.ts',
    date: new Date().toISOString(),
    machine: `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, Node ${process.version}; SHARED and LOADED by other jobs during the run (load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
    batch: BATCH,
    runs: [
      ...(previous?.runs ?? []),
      `${new Date().toISOString()}: ${[...ran].join(', ')} (load average ${os.loadavg()[0].toFixed(1)})`,
    ],
    rows: merged,
  });
}

function printTable(rows: Row[]): void {
  const fmt = (v: number | undefined, d: number) => (v === undefined ? '—' : v.toFixed(d));
  console.log(
    '| config | backend | wall s/step | CPU s/step | images/s | train GFLOP | GFLOP/s (wall) | ÷ PyTorch (wall) | ÷ PyTorch (CPU) | status |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.config} | ${r.backend} | ${fmt(r.medianS, 2)} | ${fmt(r.cpuS, 2)} | ${fmt(r.imagesPerS, 2)} | ${fmt(r.trainGflop, 1)} | ${fmt(r.gflopPerS, 1)} | ${fmt(r.ratioVsTorch, 2)} | ${fmt(r.cpuRatioVsTorch, 2)} | ${r.status} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
