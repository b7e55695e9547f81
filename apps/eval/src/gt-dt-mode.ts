import { evaluateFiles, type CocoEvalResult, type PhaseTimings } from '@apdet/coco-eval/node';
import { UserError, atomicWriteJson } from '@apdet/io';
import { writing } from '@apdet/train';
import type { Flags } from './cli.js';
import { checkOutputFiles } from './output-files.js';
import { formatPerCategoryTable, formatTimings, statName } from './report.js';

/** `--gt <instances.json> --dt <detections.json>`: evaluate a results file, print, optionally save. */
export async function runGtDtMode(flags: Flags): Promise<void> {
  if (flags.gt === undefined) throw new UserError('missing --gt <instances.json>');
  if (flags.dt === undefined) throw new UserError('missing --dt <detections.json>');
  const useCats = parseUseCats(flags['use-cats']);
  // Before the evaluation: an output that would replace an input, or that cannot be written.
  await checkOutputFiles(flags, [
    ['the --gt file', flags.gt],
    ['the --dt file', flags.dt],
  ]);
  const { result, timings } = await evaluateFiles(flags.gt, flags.dt, { useCats });
  for (const warning of result.warnings) process.stderr.write(`apdet-eval: warning: ${warning.message}\n`);
  const c = result.counts;
  const lines = [
    `evaluated ${c.detections} detections against ${c.groundTruths} GT boxes (${c.images} images, ${c.categories} categories, useCats=${useCats ? 1 : 0})`,
    ...result.summary.map((s) => s.line),
    '',
    formatPerCategoryTable(result),
    '',
    formatTimings(timings),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const { out, 'timing-json': timingFile } = flags;
  if (out !== undefined) await writing(out, () => atomicWriteJson(out, resultJson(result, flags, timings)));
  if (timingFile !== undefined) await writing(timingFile, () => atomicWriteJson(timingFile, timingJson(timings)));
}

function parseUseCats(value: string | undefined): boolean {
  if (value === undefined || value === '1') return true;
  if (value === '0') return false;
  throw new UserError(`--use-cats must be 0 or 1, got "${value}"`);
}

function resultJson(result: CocoEvalResult, flags: Flags, timings: PhaseTimings) {
  return {
    gt: flags.gt,
    dt: flags.dt,
    useCats: result.params.useCats ? 1 : 0,
    stats: result.stats,
    statsNames: result.summary.map((s) => statName(s, result.params.iouThrs)),
    summaryLines: result.summary.map((s) => s.line),
    perCategory: result.perCategory.map(({ categoryId, name, ap, ap50 }) => ({ categoryId, name, ap, ap50 })),
    counts: result.counts,
    warnings: result.warnings.map((w) => w.message),
    timings,
  };
}

function timingJson(timings: PhaseTimings) {
  // resourceUsage().maxRSS is in kilobytes: the peak resident memory of the whole process;
  // cpuS is the process's CPU time so far (start-up included), less sensitive to a busy machine
  const usage = process.resourceUsage();
  return {
    ...timings,
    totalS: timings.loadS + timings.evaluateS + timings.accumulateS + timings.summarizeS,
    cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMiB: usage.maxRSS / 1024,
  };
}
