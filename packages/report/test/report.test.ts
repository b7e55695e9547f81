import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  REPORT_FILES,
  summaryMarkdown,
  writeRunReport,
  writeRunReportFromFiles,
  type MetricRecord,
  type RunFacts,
} from '../src/index.js';
import { tinyCoco, withTmpDir, writeGreyImage } from './helpers.js';

const facts: RunFacts = {
  run: 'tiny-run',
  config: 'retinanet-tiny',
  loss: 'focal+l1',
  iterations: 40,
  trainMinutes: 1.25,
  backend: 'cpu',
};
const metrics: MetricRecord[] = [
  { type: 'train', iter: 10, loss: 1.5, parts: { focal: 1, l1: 0.5 } },
  { type: 'train', iter: 20, loss: 1.2, parts: { focal: 0.8, l1: 0.4 } },
  { type: 'eval', iter: 20, ap: 0.3, ap50: 0.6, ap75: 0.2 },
];

async function isPng(file: string): Promise<boolean> {
  return (await sharp(file).metadata()).format === 'png';
}

describe('summaryMarkdown', () => {
  it('lists the 12 stats by name (n/a for -1), per-class AP/AP50, facts and links', () => {
    const stats = [0.123, 0.456, 0.789, 0.1, 0.2, -1, 0.3, 0.4, 0.5, 0.6, 0.7, -1];
    const md = summaryMarkdown({
      facts,
      evaluation: {
        stats,
        perCategory: [
          { name: 'circle', ap: 0.5, ap50: 0.75 },
          { name: 'empty', ap: -1, ap50: -1 },
        ],
      },
      links: { loss: 'loss.png' },
      thresholds: [],
      thresholdDescription: 'score ≥ 0.3',
    });
    expect(md).toContain('| AP | Average Precision, IoU=0.50:0.95, area=all, maxDets=100 | 0.123 |');
    expect(md).toContain('| AP75 | Average Precision, IoU=0.75, area=all, maxDets=100 | 0.789 |');
    expect(md).toContain('| APl | Average Precision, IoU=0.50:0.95, area=large, maxDets=100 | n/a |');
    expect(md).toContain('| ARm | Average Recall, IoU=0.50:0.95, area=medium, maxDets=100 | 0.700 |');
    expect(md).toContain('| circle | 0.500 | 0.750 |');
    expect(md).toContain('| empty | n/a | n/a |');
    expect(md).toContain('| loss | focal+l1 |');
    expect(md).toContain('| train minutes | 1.3 |');
    expect(md).toContain('![loss parts over training](loss.png)');
    expect(md).toContain('*PR curves at IoU 0.50: not drawn (see notes)*');
  });
});

describe('writeRunReport', () => {
  it('writes every chart, the predictions grid and summary.md with the evaluation stats', () =>
    withTmpDir(async (dir) => {
      const { gt, detections, result } = tinyCoco();
      for (const im of gt.images) await writeGreyImage(path.join(dir, im.file_name), im.width, im.height);
      const outDir = path.join(dir, 'report');
      const report = await writeRunReport({
        outDir,
        facts,
        metrics,
        evaluation: result,
        predictions: {
          imageDir: dir,
          images: gt.images,
          annotations: gt.annotations,
          detections,
          categories: gt.categories,
        },
      });
      expect(report.notes).toEqual([]);
      expect([...report.files].sort()).toEqual(Object.values(REPORT_FILES).sort());
      for (const f of report.files.filter((f) => f.endsWith('.png')))
        expect(await isPng(path.join(outDir, f))).toBe(true);
      const md = await readFile(path.join(outDir, 'summary.md'), 'utf8');
      expect(md).toContain(
        `| AP | Average Precision, IoU=0.50:0.95, area=all, maxDets=100 | ${result.stats[0].toFixed(3)} |`,
      );
      expect(md).toContain(
        `| AP50 | Average Precision, IoU=0.50, area=all, maxDets=100 | ${result.stats[1].toFixed(3)} |`,
      );
      expect(md).toContain('![PR curves at IoU 0.75](pr-iou75.png)');
      expect(md).toContain('F1 (IoU 0.5)');
    }));

  it('still writes the rest, with a note, when a part fails (missing image) or has no data (no eval records)', () =>
    withTmpDir(async (dir) => {
      const { gt, detections, result } = tinyCoco();
      const outDir = path.join(dir, 'report');
      const report = await writeRunReport({
        outDir,
        facts,
        metrics: metrics.filter((m) => m.type === 'train'),
        evaluation: result,
        predictions: {
          imageDir: dir,
          images: gt.images,
          annotations: gt.annotations,
          detections,
          categories: gt.categories,
        },
      });
      expect(report.files).toEqual(['loss.png', 'pr-iou50.png', 'pr-iou75.png', 'summary.md']);
      expect(report.notes).toHaveLength(2);
      expect(report.notes[0]).toMatch(/val AP chart not drawn: metrics have no eval records/);
      expect(report.notes[1]).toMatch(/predictions grid not drawn: .*1\.png/);
      expect(await readFile(path.join(outDir, 'summary.md'), 'utf8')).toContain('predictions grid not drawn');
    }));
});

describe('writeRunReportFromFiles', () => {
  it('reads a run folder layout, evaluates the detections again and reports only the chosen images', () =>
    withTmpDir(async (dir) => {
      const { gt, detections } = tinyCoco();
      for (const im of gt.images) await writeGreyImage(path.join(dir, im.file_name), im.width, im.height);
      await writeFile(path.join(dir, 'instances_val.json'), JSON.stringify(gt));
      await writeFile(path.join(dir, 'detections.json'), JSON.stringify(detections));
      await writeFile(path.join(dir, 'metrics.jsonl'), `${metrics.map((m) => JSON.stringify(m)).join('\n')}\n`);
      const files = {
        facts,
        metricsFile: path.join(dir, 'metrics.jsonl'),
        groundTruthFile: path.join(dir, 'instances_val.json'),
        detectionsFile: path.join(dir, 'detections.json'),
        imageDir: dir,
      };
      const all = await writeRunReportFromFiles({ ...files, outDir: path.join(dir, 'all') });
      expect(all.notes).toEqual([]);
      const firstOnly = await writeRunReportFromFiles({ ...files, outDir: path.join(dir, 'first'), imageIds: [1] });
      expect(firstOnly.notes).toEqual([]);
      // Image 1 alone: its one GT is detected exactly with the top score → AP 1; category b has no GT → n/a.
      const md = await readFile(path.join(dir, 'first', 'summary.md'), 'utf8');
      expect(md).toContain('| AP | Average Precision, IoU=0.50:0.95, area=all, maxDets=100 | 1.000 |');
      expect(md).toContain('| b | n/a | n/a |');
      const grid = await sharp(path.join(dir, 'first', 'predictions.png')).metadata();
      expect(grid.width).toBe(384 + 16);
    }));

  it('names the file when the ground truth is not a COCO instances file', () =>
    withTmpDir(async (dir) => {
      await writeFile(path.join(dir, 'gt.json'), '{"images": []}');
      await expect(
        writeRunReportFromFiles({
          outDir: dir,
          facts,
          metricsFile: 'm',
          groundTruthFile: path.join(dir, 'gt.json'),
          detectionsFile: 'd',
          imageDir: dir,
        }),
      ).rejects.toThrow(/gt\.json: not a COCO instances file \(no "annotations" array\)/);
    }));
});
