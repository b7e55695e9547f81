import { describe, expect, it } from 'vitest';
import { queueJobId } from '../../src/runners/index.js';
import { makeJobs } from './fixtures/jobs.js';

describe('queueJobId', () => {
  const [job] = makeJobs(1, { sleepMs: 5 });

  it('is the key plus a content hash, the same however the object keys are ordered', () => {
    const id = queueJobId(job);
    expect(id).toMatch(/^r0-s0\.[0-9a-f]{16}$/);
    const reordered = {
      task: { sleepMs: 5 },
      lossParams: job.lossParams,
      seed: job.seed,
      theta: job.theta,
      sample: 0,
      round: 0,
      key: 'r0-s0',
    };
    expect(queueJobId(reordered)).toBe(id);
  });

  it('changes when θ, the seed or the task change, so two searches never share a queue job by accident', () => {
    const id = queueJobId(job);
    expect(queueJobId({ ...job, theta: [0, 0.5, 0.9] })).not.toBe(id);
    expect(queueJobId({ ...job, seed: job.seed + 1 })).not.toBe(id);
    expect(queueJobId({ ...job, task: { sleepMs: 6 } })).not.toBe(id);
  });

  it('never contains ":" (BullMQ refuses such ids)', () => {
    expect(queueJobId({ ...job, key: 'a:b' })).toMatch(/^a_b\./);
  });
});
