import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '@apdet/backend';
import { UserError, atomicWriteJson } from '@apdet/io';
import {
  BEST,
  checkOutputPath,
  datasetFiles,
  evalJson,
  evaluateOnVal,
  LATEST,
  loadRun,
  MANIFEST,
  missingClassesNote,
  missingValClasses,
  openValData,
  readManifest,
  writing,
  type RunSettings,
} from '@apdet/train';
import type { Flags } from './flags.js';
import { checkOutputFiles } from './output-files.js';
import { formatPerCategoryTable } from './report.js';
import { writeEvalReportSafely } from './run-report.js';

/** Where training writes its runs (apdet-train's default `--out` parent). */
export const RUNS_DIR = 'runs';

/**
 * `--run <dir>` / `--checkpoint <file> [--data <dir>]` / nothing (the newest run under runs/):
 * rebuild the trained detector from the run's manifest and checkpoint (best by default), detect on
 * the run's val set (or `--data`'s), evaluate, and write `detections.json` + `eval.json` into
 * `<run>/eval-<checkpoint>/` (and `--out`, same JSON as the --gt/--dt mode). Detections are
 * labelled with the run's classes; a val set whose categories do not map onto them by id is
 * refused before detecting (@apdet/train's val-categories.ts), as are outputs that cannot be
 * written or would replace one of the run's files.
 */
export async function runRunMode(flags: Flags): Promise<void> {
  const { runDir, which } = resolveRunTarget(flags);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Everything that can be checked without a backend first: bad input costs nothing.
  const manifest = await readManifest(runDir);
  const settings: RunSettings =
    flags.data === undefined ? manifest.settings : { ...manifest.settings, data: { dir: flags.data, builtIn: false } };
  // Evaluating needs only the val split (instances_val.json + val/), not the training set.
  const files = await datasetFiles(settings, log, { valOnly: true });
  const checkpoint = checkpointFile(runDir, which);
  const outDir = path.join(runDir, `eval-${path.basename(checkpoint, '.safetensors')}`);
  await checkOutputFiles(flags, [
    ["the run's manifest", path.join(runDir, MANIFEST)],
    ["the run's metrics", path.join(runDir, 'metrics.jsonl')],
    ['the checkpoint', checkpoint],
    ['the val annotations', files.valAnnotations],
    ["the run's eval.json", path.join(runDir, 'eval.json')],
    ["the run's detections.json", path.join(runDir, 'detections.json')],
  ]);
  await checkOutputPath(outDir, 'folder', outDir);
  const data = await openValData(settings, files);
  const note = missingClassesNote(
    missingValClasses(settings.classes!, data.val.index.categories, files.valAnnotations),
    files.valAnnotations,
  );
  if (note !== null) log(note);
  await initBackend({ ...(flags.backend ? { backend: flags.backend } : {}), log });
  const loaded = await loadRun(runDir, { file: checkpoint });
  process.stdout.write(
    `evaluating ${loaded.checkpoint} on ${data.valSubset.length} val images of ${files.valAnnotations}\n`,
  );
  const v = await evaluateOnVal(
    loaded.model,
    data.valSubset,
    data.valPipeline,
    files.valAnnotations,
    settings.classes!,
    settings.config.train.batchSize,
  );
  for (const warning of v.warnings) log(warning);
  const detectionsFile = path.join(outDir, 'detections.json');
  const json = evalJson(
    v.result,
    {
      run: runDir,
      checkpoint: loaded.checkpoint,
      gt: files.valAnnotations,
      dt: detectionsFile,
      valImages: data.valSubset.length,
      evalSeconds: v.seconds,
    },
    v.warnings,
  );
  const evalFile = path.join(outDir, 'eval.json');
  await writing(detectionsFile, () => atomicWriteJson(detectionsFile, v.detections));
  await writing(evalFile, () => atomicWriteJson(evalFile, json));
  const out = flags.out;
  if (out !== undefined) await writing(out, () => atomicWriteJson(out, json));
  process.stdout.write(
    `${[...v.result.summary.map((s) => s.line), '', formatPerCategoryTable(v.result), '', `wrote ${outDir}/{detections.json,eval.json} (${v.seconds.toFixed(1)} s)`].join('\n')}\n`,
  );
  const evaluatedIds = data.val.index.images.slice(0, data.valSubset.length).map((im) => im.id);
  await writeEvalReportSafely({ runDir, outDir, loaded, files, imageIds: evaluatedIds, log });
  loaded.model.dispose();
}

/** The checkpoint loadRun would pick: a given file, else `best` (falling back to `latest` when the run never evaluated). */
function checkpointFile(runDir: string, which: 'best' | { file: string }): string {
  if (typeof which === 'object') return which.file;
  const best = path.join(runDir, BEST);
  return existsSync(best) ? best : path.join(runDir, LATEST);
}

/** True when this mode should handle a flag-less call: some run exists under runs/. */
export function hasRuns(): boolean {
  return newestRun() !== undefined;
}

function resolveRunTarget(flags: Flags): { runDir: string; which: 'best' | { file: string } } {
  if (flags.checkpoint !== undefined) {
    if (!existsSync(flags.checkpoint)) throw new UserError(`--checkpoint ${flags.checkpoint}: file not found`);
    const runDir = flags.run ?? path.dirname(flags.checkpoint);
    return { runDir, which: { file: flags.checkpoint } };
  }
  if (flags.run !== undefined) {
    if (!existsSync(path.join(flags.run, 'manifest.json')))
      throw new UserError(`--run ${flags.run}: not a training run (no manifest.json)`);
    return { runDir: flags.run, which: 'best' };
  }
  const runDir = newestRun();
  if (runDir === undefined) throw new UserError(`no training run under ${RUNS_DIR}/: pass --run <dir>, or --gt/--dt`);
  return { runDir, which: 'best' };
}

/** The run under runs/ with a checkpoint whose manifest's `createdAt` is the newest. */
function newestRun(): string | undefined {
  if (!existsSync(RUNS_DIR)) return undefined;
  let newest: { dir: string; createdAt: string } | undefined;
  for (const name of readdirSync(RUNS_DIR)) {
    const dir = path.join(RUNS_DIR, name);
    if (!existsSync(path.join(dir, 'latest.safetensors'))) continue;
    const createdAt = manifestCreatedAt(dir);
    if (createdAt !== undefined && (newest === undefined || createdAt > newest.createdAt)) newest = { dir, createdAt };
  }
  return newest?.dir;
}

// ISO-8601 timestamps compare correctly as strings. A folder with an unreadable manifest is not a run.
function manifestCreatedAt(dir: string): string | undefined {
  try {
    const createdAt = (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { createdAt?: unknown })
      .createdAt;
    return typeof createdAt === 'string' ? createdAt : undefined;
  } catch {
    return undefined;
  }
}
