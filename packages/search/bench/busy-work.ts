/** A fixed amount of CPU work: `blocks` blocks of 10 000 square roots. Returns a checksum. */
export function busyWork(blocks: number): number {
  let x = 0;
  for (let b = 0; b < blocks; b++) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i + x);
  return x;
}

/**
 * How many blocks take about `ms` milliseconds of one core of this machine. Measured in CPU
 * time, not wall time, so a busy machine does not shrink the workload.
 */
export function calibrateBlocks(ms: number): number {
  busyWork(200); // let the JIT compile the loop first
  const sample = 1000;
  const before = process.cpuUsage();
  busyWork(sample);
  const used = process.cpuUsage(before);
  const perBlockMs = (used.user + used.system) / 1000 / sample;
  return Math.max(1, Math.round(ms / perBlockMs));
}
