/**
 * The README's library example on the small fixture: typed settings (no argv), hooks that see
 * every step and evaluation, loadRun through the registry, evaluation of the val split alone.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '@apdet/io';
import {
  buildRunSettings,
  datasetFiles,
  evaluateOnVal,
  loadRun,
  openValData,
  runTraining,
  SILENT_IO,
  type StepInfo,
} from '../src/index.js';
import { makeFixture, type Fixture } from './helpers.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(async () => rm(fx.dir, { recursive: true, force: true }));

describe('library use', () => {
  it('trains with typed settings and hooks, and a hook can stop the run', async () => {
    const config = { json: await readJsonFile(fx.config), source: fx.config };
    const base = { detector: 'retinanet', loss: 'focal+giou', config, data: fx.data, backend: 'wasm' as const };
    const settings = buildRunSettings({ ...base, maxSteps: 4, trainImages: 8, valImages: 4 });
    const steps: StepInfo[] = [];
    const evals: number[] = [];
    const runDir = path.join(fx.dir, 'lib');
    const out = await runTraining(
      { settings, runDir, resumeFrom: null },
      {
        io: SILENT_IO,
        hooks: { afterStep: (s) => void steps.push(s), afterEval: (e) => void evals.push(e.stats[0]) },
      },
    );
    expect(steps.map((s) => s.iter)).toEqual([1, 2, 3, 4]);
    expect(steps.every((s) => Number.isFinite(s.loss) && s.parts['retina/focal'] !== undefined)).toBe(true);
    expect(evals).toEqual([out.stats![0]]);

    const { model, manifest } = await loadRun(out.runDir);
    const files = await datasetFiles(manifest.settings, () => {}, { valOnly: true });
    const data = await openValData(manifest.settings, files);
    const { result } = await evaluateOnVal(
      model,
      data.valSubset,
      data.valPipeline,
      files.valAnnotations,
      manifest.settings.classes!,
      4,
    );
    expect(result.stats).toEqual(out.stats);
    model.dispose();

    // A hook that returns 'stop' ends the run after that step, without the final evaluation.
    const stopped = await runTraining(
      {
        settings: buildRunSettings({ ...base, trainImages: 8, valImages: 4 }),
        runDir: path.join(fx.dir, 'stopped'),
        resumeFrom: null,
      },
      { io: SILENT_IO, hooks: { afterStep: (s) => (s.iter === 2 ? 'stop' : undefined) } },
    );
    expect(stopped).toMatchObject({ stopped: true, stats: null });
    expect(stopped.state.iter).toBe(2);
  }, 240_000);
});
