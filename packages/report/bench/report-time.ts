/**
 * How long a report of a real run takes: `writeRunReportFromFiles` on a run folder (default:
 * the newest run under runs/ with metrics.jsonl and detections.json) into an output folder.
 *
 *   pnpm exec tsx packages/report/bench/report-time.ts [--run runs/<run>] [--out /tmp/report-demo] [--repeat 3]
 *
 * Writes packages/report/bench/results/report-time.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { atomicWriteJson } from '@apdet/io';
import { writeRunReportFromFiles, type RunReportResult } from '../src/index.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    out: { type: 'string', default: '/tmp/report-demo' },
    repeat: { type: 'string', default: '3' },
  },
});

function newestRun(): string {
  const runs = readdirSync('runs')
    .map((n) => path.join('runs', n))
    .filter((d) => existsSync(path.join(d, 'metrics.jsonl')) && existsSync(path.join(d, 'detections.json')))
    .sort();
  if (runs.length === 0) throw new Error('no run with metrics.jsonl and detections.json under runs/');
  return runs[runs.length - 1];
}

const runDir = values.run ?? newestRun();
const manifest = JSON.parse(readFileSync(path.join(runDir, 'manifest.json'), 'utf8'));
const evalJson = JSON.parse(readFileSync(path.join(runDir, 'eval.json'), 'utf8'));
const dataDir = manifest.settings.data.dir as string;
const times: number[] = [];
let last: RunReportResult | undefined;
for (let i = 0; i < Number(values.repeat); i++) {
  const t0 = performance.now();
  last = await writeRunReportFromFiles({
    outDir: values.out,
    facts: {
      run: path.basename(runDir),
      config: manifest.settings.config.name,
      loss: manifest.settings.loss,
      iterations: evalJson.iter,
      trainMinutes: evalJson.trainSeconds / 60,
      backend: manifest.backend.name,
      checkpoint: evalJson.checkpoint,
      valImages: evalJson.valImages,
    },
    metricsFile: path.join(runDir, 'metrics.jsonl'),
    groundTruthFile: path.join(dataDir, 'instances_val.json'),
    detectionsFile: path.join(runDir, 'detections.json'),
    imageDir: path.join(dataDir, 'val'),
  });
  times.push((performance.now() - t0) / 1000);
}
const rows = times.map(
  (s, i) => `| ${i + 1}${i === 0 ? ' (first in the process: font probe, vega warm-up)' : ''} | ${s.toFixed(2)} |`,
);
const parts = Object.entries(last!.timings).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`);
console.log(
  `report of ${runDir} → ${values.out}: ${last!.files.join(', ')}${last!.notes.length ? `\nnotes: ${last!.notes.join('; ')}` : ''}`,
);
console.log(['| run | seconds |', '|---|---:|', ...rows].join('\n'));
console.log(['', `last run by part:`, '| part | seconds |', '|---|---:|', ...parts].join('\n'));
await atomicWriteJson(path.join(import.meta.dirname, 'results', 'report-time.json'), {
  bench: 'report-time',
  run: runDir,
  files: last!.files,
  seconds: times,
  lastRunParts: last!.timings,
  node: process.version,
  machine: 'shared 2-core CI-class machine, loaded by concurrent training runs and other jobs: timings are indicative',
  date: new Date().toISOString(),
});
