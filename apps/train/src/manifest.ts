/**
 * manifest.json: what a run is (detector, settings with the resolved config, loss and the
 * model's classes, effective batch and lr) and where it ran (git commit, package versions,
 * backend). `--resume`, `apdet-eval --run` and `loadRun` read it back through one schema.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { readJsonFile, schemaErrorLine, UserError } from '@apdet/io';
import type { BackendDescription } from '@apdet/backend';
import type { DetectionLoss } from '@apdet/losses';
import type { Detector } from '@apdet/detector';
import { detectorSpec } from './detectors.js';
import { DATA_FINGERPRINT_SCHEMA, type DataFingerprint } from './data-fingerprint.js';
import { DEFAULT_SAVE_EVERY_MINUTES, type RunSettings } from './settings.js';

export const MANIFEST = 'manifest.json';
const FORMAT = 'apdet-train-manifest/2';

const count = z.number().int().nonnegative();
const optionalCount = z.number().int().positive().nullable();

/** RunSettings as stored; the config is checked by its detector's own schema after this. */
const SETTINGS_SCHEMA = z.object({
  detector: z.string().min(1),
  loss: z.string().min(1),
  lossParams: z.unknown(),
  lossParamsFile: z.string().nullable(),
  configSource: z.string(),
  config: z.record(z.string(), z.unknown()),
  baseBatch: z.number().int().positive(),
  baseLr: z.number().positive(),
  lrRule: z.string(),
  init: z.string().nullable(),
  data: z.object({ dir: z.string().min(1), builtIn: z.boolean() }),
  classes: z
    .array(z.object({ id: z.number().int(), name: z.string() }))
    .min(1)
    .nullable(),
  seed: count,
  backend: z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu']).nullable(),
  threads: z.number().int().positive().nullable(),
  evalEvery: count,
  logEvery: z.number().int().positive(),
  maxSteps: optionalCount,
  trainImages: optionalCount,
  valImages: optionalCount,
  // Runs made before the flag existed saved at epoch ends only; they get the default now.
  saveEveryMinutes: z.number().nonnegative().default(DEFAULT_SAVE_EVERY_MINUTES),
});

const MANIFEST_SCHEMA = z.object({
  format: z.literal(FORMAT),
  /**
   * A random id of the run, also in every checkpoint it writes: `--resume` refuses a checkpoint of
   * another run. Absent in runs of an older apdet.
   */
  runId: z.string().min(1).optional(),
  createdAt: z.string(),
  command: z.array(z.string()),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  versions: z.record(z.string(), z.string()),
  backend: z.object({
    name: z.string(),
    reason: z.string(),
    threads: z.number(),
    /** The WebGPU adapter trained on (webgpu only): a run on a software adapter says so. */
    adapter: z
      .object({
        vendor: z.string(),
        architecture: z.string(),
        device: z.string(),
        description: z.string(),
        software: z.boolean(),
      })
      .optional(),
  }),
  settings: SETTINGS_SCHEMA,
  effective: z.object({
    batchSize: z.number(),
    lr: z.number(),
    lrRule: z.string(),
    stepsPerEpoch: count,
    totalIters: count,
    stopIter: count,
    trainImages: count,
    valImages: count,
  }),
  loss: z.object({ name: z.string(), summary: z.string(), settings: z.record(z.string(), z.unknown()) }),
  parameters: z.object({ total: count, trainable: count }),
  /** The training set the run started on (absent in runs of an older apdet). */
  dataFingerprint: DATA_FINGERPRINT_SCHEMA.optional(),
  /** One entry per `--resume`, with the step it continued from (and how the data changed, with --allow-data-change). */
  resumes: z.array(
    z.object({ at: z.string(), fromIter: count, backend: z.string(), dataChange: z.string().optional() }),
  ),
});

export type Manifest = Omit<z.infer<typeof MANIFEST_SCHEMA>, 'settings'> & { settings: RunSettings };

export function gitInfo(): Manifest['git'] {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = git(['rev-parse', 'HEAD']).trim();
    return { commit, dirty: git(['status', '--porcelain', '--untracked-files=no']).trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

const WORKSPACE_PACKAGES = [
  '@apdet/detector',
  '@apdet/losses',
  '@apdet/nn',
  '@apdet/data',
  '@apdet/backend',
  '@apdet/coco-eval',
  '@apdet/io',
];

/** Versions of the workspace packages this app uses, tfjs, and Node. */
export function packageVersions(): Record<string, string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = { node: process.versions.node, '@tensorflow/tfjs': tf.version.tfjs };
  const own = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')) as { version: string };
  versions['@apdet/train'] = own.version;
  for (const name of WORKSPACE_PACKAGES) {
    try {
      const entry = require.resolve(name);
      const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as {
        version: string;
      };
      versions[name] = pkg.version;
    } catch {
      versions[name] = 'unknown';
    }
  }
  return versions;
}

export function describeBackend(b: BackendDescription): Manifest['backend'] {
  return { name: b.name, reason: b.reason, threads: b.threads, ...(b.adapter ? { adapter: b.adapter } : {}) };
}

/** The loss's name, one-line summary and resolved settings for each head of the detector. */
export function lossDescription(loss: DetectionLoss, detector: Detector): Manifest['loss'] {
  const settings = Object.fromEntries(detector.heads.map((head) => [head, loss.settings(head)]));
  return { name: loss.name, summary: loss.summary, settings };
}

/** Reads and validates a run's manifest (its config through its detector's schema); problems are one line. */
export async function readManifest(runDir: string): Promise<Manifest> {
  const file = path.join(runDir, MANIFEST);
  const json = await readJsonFile(file);
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && format.startsWith('apdet-train-manifest/') && format !== FORMAT) {
    throw new UserError(
      `${file}: a run of an older apdet (${format}; this one reads ${FORMAT}); retrain it, or evaluate it with that apdet`,
    );
  }
  const parsed = MANIFEST_SCHEMA.safeParse(json);
  if (!parsed.success) {
    throw new UserError(schemaErrorLine(parsed.error.issues[0], `${file}: not an apdet-train manifest (${FORMAT})`));
  }
  const spec = detectorSpec(parsed.data.settings.detector);
  const config = spec.resolveConfig(parsed.data.settings.config as never, {}, `${file}: settings.config`);
  return { ...parsed.data, settings: { ...parsed.data.settings, config } };
}

/** What a new run's manifest is made of, besides what it reads itself (git, versions). */
export interface NewManifestParts {
  runId: string;
  backend: BackendDescription;
  settings: RunSettings;
  effective: Manifest['effective'];
  loss: DetectionLoss;
  model: Detector;
  dataFingerprint: DataFingerprint;
}

/** The manifest of a new run. */
export function newManifest(p: NewManifestParts): Manifest {
  return {
    format: FORMAT,
    runId: p.runId,
    createdAt: new Date().toISOString(),
    command: process.argv.slice(2),
    git: gitInfo(),
    versions: packageVersions(),
    backend: describeBackend(p.backend),
    settings: p.settings,
    effective: p.effective,
    loss: lossDescription(p.loss, p.model),
    parameters: { total: p.model.countParameters(), trainable: p.model.countParameters({ trainableOnly: true }) },
    dataFingerprint: p.dataFingerprint,
    resumes: [],
  };
}

/**
 * The manifest of a resumed run: the settings as resumed, one more `resumes` entry, and, when the
 * training set changed (`--allow-data-change`), the new fingerprint and epoch geometry.
 */
export function resumedManifest(
  saved: Manifest,
  p: {
    settings: RunSettings;
    fromIter: number;
    backend: string;
    dataChange: string | null;
    dataFingerprint: DataFingerprint;
    effective: Manifest['effective'];
  },
): Manifest {
  return {
    ...saved,
    settings: p.settings,
    // A run of an older apdet gets its fingerprint now, so its next resume is checked.
    ...(p.dataChange === null && saved.dataFingerprint !== undefined ? {} : { dataFingerprint: p.dataFingerprint }),
    ...(p.dataChange === null ? {} : { effective: p.effective }),
    resumes: [
      ...saved.resumes,
      {
        at: new Date().toISOString(),
        fromIter: p.fromIter,
        backend: p.backend,
        ...(p.dataChange === null ? {} : { dataChange: p.dataChange }),
      },
    ],
  };
}
