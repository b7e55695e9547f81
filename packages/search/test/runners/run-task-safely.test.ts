import { describe, expect, it } from 'vitest';
import type { ProxyOutcome } from '../../src/contract.js';
import { runTaskSafely } from '../../src/runners/index.js';
import { makeJobs } from './fixtures/jobs.js';

const [job] = makeJobs(1, {});
const noProgress = () => undefined;
const answer = (value: unknown) => async () => value as ProxyOutcome;

describe('runTaskSafely', () => {
  it('passes a valid outcome through', async () => {
    const outcome = { key: 'r0-s0', reward: 0.25, failed: false, seconds: 3 };
    expect(await runTaskSafely(answer(outcome), job, noProgress)).toEqual(outcome);
  });

  it('turns a thrown error into a failed outcome with reward 0 and the message', async () => {
    const outcome = await runTaskSafely(
      async () => {
        throw new Error('NaN loss at step 12');
      },
      job,
      noProgress,
    );
    expect(outcome).toMatchObject({ key: 'r0-s0', reward: 0, failed: true, reason: 'task threw: NaN loss at step 12' });
    expect(outcome.seconds).toBeGreaterThanOrEqual(0);
  });

  it('turns an invalid outcome into a failed one that says what was wrong', async () => {
    const reasonFor = async (value: unknown) => (await runTaskSafely(answer(value), job, noProgress)).reason;
    expect(await reasonFor(undefined)).toBe('task returned an invalid outcome: expected an object, got undefined');
    expect(await reasonFor({ key: 'r0-s1', reward: 0.1, failed: false, seconds: 1 })).toBe(
      'task returned an invalid outcome: key is "r0-s1", expected "r0-s0"',
    );
    expect(await reasonFor({ key: 'r0-s0', reward: Number.NaN, failed: false, seconds: 1 })).toBe(
      'task returned an invalid outcome: reward is NaN, expected a finite number',
    );
    expect(await reasonFor({ key: 'r0-s0', reward: 0.1, seconds: 1 })).toBe(
      'task returned an invalid outcome: failed is undefined, expected a boolean',
    );
  });

  it('forces reward 0 on a failed outcome and measures seconds when the task gave none', async () => {
    const outcome = await runTaskSafely(
      answer({ key: 'r0-s0', reward: 0.7, failed: true, reason: 'collapsed' }),
      job,
      noProgress,
    );
    expect(outcome).toMatchObject({ reward: 0, failed: true, reason: 'collapsed' });
    expect(Number.isFinite(outcome.seconds)).toBe(true);
  });
});
