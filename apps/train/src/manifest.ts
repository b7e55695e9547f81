/**
 * manifest.json: what a run is (settings, resolved config and loss, effective batch and lr)
 * and where it ran (git commit, package versions, backend). `--resume` reads the settings back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readJsonFile, UserError } from '@apdet/io';
import type { BackendDescription } from '@apdet/backend';
import type { DetectionLoss } from '@apdet/losses';
import type { RunSettings } from './settings.js';

export const MANIFEST = 'manifest.json';
const FORMAT = 'apdet-train-manifest/1';

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  command: string[];
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  backend: { name: string; reason: string; threads: number };
  settings: RunSettings;
  effective: { batchSize: number; lr: number; lrRule: string; stepsPerEpoch: number; totalIters: number; stopIter: number; trainImages: number; valImages: number };
  loss: { name: string; summary: string; settings: unknown };
  parameters: { total: number; trainable: number };
  /** One entry per `--resume`, with the step it continued from. */
  resumes: { at: string; fromIter: number; backend: string }[];
}

export function gitInfo(): Manifest['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

const WORKSPACE_PACKAGES = ['@apdet/retinanet', '@apdet/losses', '@apdet/nn', '@apdet/data', '@apdet/backend', '@apdet/coco-eval', '@apdet/io'];

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
      const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
      versions[name] = pkg.version;
    } catch {
      versions[name] = 'unknown';
    }
  }
  return versions;
}

export function describeBackend(b: BackendDescription): Manifest['backend'] {
  return { name: b.name, reason: b.reason, threads: b.threads };
}

/** The loss's name, one-line summary and resolved settings for the RetinaNet head. */
export function lossDescription(loss: DetectionLoss): Manifest['loss'] {
  return { name: loss.name, summary: loss.summary, settings: loss.settings('retina') };
}

export async function readManifest(runDir: string): Promise<Manifest> {
  const file = path.join(runDir, MANIFEST);
  const json = (await readJsonFile(file)) as Partial<Manifest>;
  if (json === null || typeof json !== 'object' || json.format !== FORMAT || typeof json.settings !== 'object') {
    throw new UserError(`${file}: not an apdet-train manifest (format ${FORMAT})`);
  }
  return json as Manifest;
}
