// 2-thread wasm (the opt-in shim in src/wasm-threads.ts) gives the same numbers as 1 thread.
// Each run is a child process because threads must be set before wasm initialises.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./helpers/threads-child.ts', import.meta.url));

interface ChildResult {
  threads: number;
  y: number[];
  grads: number[][];
}

function runChild(threads: number): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, String(threads)], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (r.status !== 0) throw new Error(`threads-child ${threads} failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

function maxRelDiff(a: number[], b: number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

describe('wasm with 2 threads', () => {
  it('runs 2 threads and matches 1 thread on conv forward and gradients', () => {
    const one = runChild(1);
    const two = runChild(2);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.y.length).toBe(one.y.length);
    // Threads split work by output tiles; sums are not reordered, observed difference is 0.
    expect(maxRelDiff(two.y, one.y)).toBeLessThan(1e-6);
    one.grads.forEach((g, i) => expect(maxRelDiff(two.grads[i], g)).toBeLessThan(1e-6));
  });
});
