import { describe, expect, it } from 'vitest';
import {
  lossChartSpec,
  lossSeries,
  parseMetricsJsonl,
  valApChartSpec,
  valApSeries,
  type MetricRecord,
} from '../src/index.js';

const train = (iter: number, parts: Record<string, number>): MetricRecord => ({
  type: 'train',
  iter,
  loss: Object.values(parts).reduce((a, b) => a + b, 0),
  parts,
});
const evalRec = (iter: number, ap: number, ap50: number, ap75: number): MetricRecord => ({
  type: 'eval',
  iter,
  ap,
  ap50,
  ap75,
});

describe('parseMetricsJsonl', () => {
  it('parses records, skips blank lines and drops a torn last line', () => {
    const text =
      '{"type":"train","iter":1,"loss":1,"parts":{"pap":1}}\n\n{"type":"eval","iter":1,"ap":0.1,"ap50":0.2,"ap75":0.05}\n{"type":"tra';
    expect(parseMetricsJsonl(text).map((r) => r.type)).toEqual(['train', 'eval']);
  });

  it('names the file and line of a malformed record', () => {
    expect(() => parseMetricsJsonl('{"type":"train"}\nnot json\n{"type":"eval"}\n', 'runs/x/metrics.jsonl')).toThrow(
      /runs\/x\/metrics\.jsonl:2: not valid JSON/,
    );
    expect(() => parseMetricsJsonl('[1]\n{"type":"eval"}\n', 'm.jsonl')).toThrow(
      /m\.jsonl:1: expected an object with a string "type"/,
    );
  });
});

describe('loss series', () => {
  it('has one series per part, and no "total" for a one-part loss (it would duplicate the part)', () => {
    expect(lossSeries([train(10, { pap: 0.8 }), evalRec(10, 0.1, 0.2, 0.1), train(20, { pap: 0.7 })])).toEqual([
      { iter: 10, part: 'pap', value: 0.8 },
      { iter: 20, part: 'pap', value: 0.7 },
    ]);
  });

  it('adds the total for multi-part losses and leaves non-finite values out', () => {
    const points = lossSeries([
      train(10, { focal: 0.5, l1: 0.25 }),
      { type: 'train', iter: 20, loss: Number.NaN, parts: { focal: Number.NaN, l1: 0.2 } },
    ]);
    expect(points).toEqual([
      { iter: 10, part: 'focal', value: 0.5 },
      { iter: 10, part: 'l1', value: 0.25 },
      { iter: 10, part: 'total', value: 0.75 },
      { iter: 20, part: 'l1', value: 0.2 },
    ]);
  });

  it('puts the series into the spec as its data, coloured by part', () => {
    const points = lossSeries([train(10, { focal: 0.5, l1: 0.25 })]);
    const spec = lossChartSpec(points) as { data: { values: unknown[] }; encoding: { color: { field: string } } };
    expect(spec.data.values).toEqual(points);
    expect(spec.encoding.color.field).toBe('part');
  });
});

describe('val AP series', () => {
  it('has AP, AP50, AP75 per eval record, leaving undefined (-1) values out', () => {
    expect(valApSeries([train(1, { pap: 1 }), evalRec(100, 0.3, 0.5, -1)])).toEqual([
      { iter: 100, metric: 'AP', value: 0.3 },
      { iter: 100, metric: 'AP50', value: 0.5 },
    ]);
  });

  it('draws points as well as lines, so a single evaluation is visible', () => {
    const spec = valApChartSpec(valApSeries([evalRec(100, 0.3, 0.5, 0.2)])) as {
      mark: { type: string; point: unknown };
    };
    expect(spec.mark.type).toBe('line');
    expect(spec.mark.point).toBeTruthy();
  });
});

describe('loss chart of a short run', () => {
  it('draws points when there are few records (a line through one point is invisible), lines only for long runs', () => {
    const short = lossChartSpec(lossSeries([train(4, { pap: 1 })])) as { mark: { point?: unknown } };
    expect(short.mark.point).toBeTruthy();
    const long = lossChartSpec(
      lossSeries(Array.from({ length: 40 }, (_, i) => train(10 * (i + 1), { pap: 1 / (i + 1) }))),
    ) as { mark: { point?: unknown } };
    expect(long.mark.point).toBeUndefined();
  });
});
