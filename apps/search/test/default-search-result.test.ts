/**
 * The default search's result shipped in results/default-search/ is what the READMEs tell users
 * to train with: it must stay a valid `--loss-params` file for `param-ap`, agree with the last
 * line of its rounds.jsonl (final-params is μ after the last round), and keep the measured
 * gradient scale the README quotes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateLossParams } from '@apdet/losses';
import { RETINANET_SPACE, lossParamsToTheta } from '@apdet/search';

const dir = path.resolve(import.meta.dirname, '../results/default-search');
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

describe('results/default-search', () => {
  const params = readJson('final-params.json');
  const rounds = readFileSync(path.join(dir, 'rounds.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { round: number; mu: number[] });

  it('final-params.json is a valid --loss-params file for param-ap', () => {
    expect(() => validateLossParams('param-ap', params, 'final-params.json')).not.toThrow();
  });

  it('holds μ after the last of the 8 rounds', () => {
    expect(rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const theta = lossParamsToTheta(RETINANET_SPACE, params, 'final-params.json');
    const last = rounds.at(-1)!.mu;
    expect(theta).toHaveLength(last.length);
    theta.forEach((t, i) => expect(t).toBeCloseTo(Math.min(1, Math.max(0, last[i])), 6));
  });

  it('has the gradient scale quoted in the README (2.25)', () => {
    expect((params as { gradScale: number }).gradScale).toBeCloseTo(2.247, 3);
  });
});
