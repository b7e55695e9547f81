// Names users type after --loss, the unknown-name error, and the --loss-params schema.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '@apdet/io';
import { describe, expect, it } from 'vitest';
import { FASTER_RCNN_ROI_PRESET, RETINANET_PRESET } from '../../src/pap/index.js';
import {
  DEFAULT_LOSS,
  describeLosses,
  getLoss,
  loadLoss,
  LOSS_NAMES,
  lossParamFields,
  validateLossParams,
} from '../../src/registry/index.js';

/** Runs `f`, expects a UserError, returns its message. */
function userErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('loss names', () => {
  it('every name of the issue resolves, and param-ap is the default', () => {
    for (const name of [
      'param-ap',
      'param-ap:linear',
      'param-ap:square',
      'param-ap:sigmoid',
      'focal+l1',
      'focal+giou',
      'ce+l1',
      'ce+giou',
      'ce+smooth-l1',
    ]) {
      expect(getLoss(name).name).toBe(name);
    }
    expect(LOSS_NAMES).toContain('focal+l1+giou');
    expect(LOSS_NAMES).toContain('ce+l1+giou');
    expect(DEFAULT_LOSS).toBe('param-ap');
  });

  it('an unknown name is a UserError that lists every valid name', () => {
    const message = userErrorOf(() => getLoss('pap'));
    expect(message).toContain("unknown --loss 'pap'");
    for (const name of LOSS_NAMES) expect(message).toContain(name);
  });

  it('a near miss gets a suggestion', () => {
    expect(userErrorOf(() => getLoss('focal+GIoU'))).toContain("did you mean 'focal+giou'?");
    expect(userErrorOf(() => getLoss('param-ap:lin'))).toContain("did you mean 'param-ap:linear'?");
    expect(userErrorOf(() => getLoss('yolo'))).not.toContain('did you mean');
  });

  it('describeLosses has one line per name', () => {
    const lines = describeLosses().split('\n');
    expect(lines).toHaveLength(LOSS_NAMES.length);
    LOSS_NAMES.forEach((name, i) => expect(lines[i].startsWith(name)).toBe(true));
  });
});

describe('--loss-params', () => {
  const ctrl5 = RETINANET_PRESET.ctrlPoints.map((r) => [...r]);

  it('top-level values apply to every head, heads.<kind> overrides them', () => {
    const loss = getLoss('param-ap', {
      params: { gradScale: 2, heads: { rpn: { ctrlPoints: ctrl5, gradScale: 3 } }, meta: { round: 7 } },
      paramsSource: 'final-params.json',
    });
    expect(loss.settings('retina')).toMatchObject({
      gradScale: 2,
      ctrlPoints: ctrl5,
      paramsSource: 'final-params.json',
    });
    expect(loss.settings('rpn')).toMatchObject({ gradScale: 3, ctrlPoints: ctrl5 });
    expect(loss.settings('roi')).toMatchObject({ gradScale: 2, ctrlPoints: FASTER_RCNN_ROI_PRESET.ctrlPoints });
  });

  it('4-row control points (exact-step H1) are accepted; topK and quality are validated', () => {
    const loss = getLoss('param-ap', { params: { ctrlPoints: ctrl5.slice(0, 4), topK: 500, quality: 'iou' } });
    expect(loss.settings('detr')).toMatchObject({ topK: 500, quality: 'iou' });
    expect(userErrorOf(() => getLoss('param-ap', { params: { topK: 2.5 } }))).toMatch(/"topK": expected an integer/);
    expect(userErrorOf(() => getLoss('param-ap', { params: { quality: 'l1' } }))).toMatch(
      /"quality": expected one of "giou", "iou"/,
    );
  });

  it('errors name the source, the field path and the problem', () => {
    const bad = ctrl5.map((r) => [...r]);
    bad[2][3] = 1.5;
    expect(
      userErrorOf(() =>
        getLoss('param-ap', { params: { heads: { roi: { ctrlPoints: bad } } }, paramsSource: 'p.json' }),
      ),
    ).toMatch(/^p\.json: "heads\.roi\.ctrlPoints": row 2 \(I3\): y must be non-decreasing/);
    expect(
      userErrorOf(() => getLoss('param-ap', { params: { ctrlPoints: ctrl5.slice(0, 3) }, paramsSource: 'p.json' })),
    ).toMatch(/p\.json: "ctrlPoints": expected 4 or 5 rows/);
    expect(userErrorOf(() => getLoss('param-ap', { params: { gradScale: 0 } }))).toMatch(
      /--loss-params: "gradScale": must be > 0/,
    );
    expect(userErrorOf(() => getLoss('param-ap', { params: { gradscale: 1 } }))).toMatch(
      /"gradscale": not a parameter of loss 'param-ap'; allowed: ctrlPoints, gradScale, topK, quality/,
    );
    expect(userErrorOf(() => getLoss('param-ap', { params: { heads: { fcos: {} } } }))).toMatch(
      /"heads\.fcos": unknown head kind/,
    );
    expect(userErrorOf(() => getLoss('param-ap', { params: [1, 2] }))).toMatch(/expected a JSON object, got an array/);
  });

  it('control points are refused for the hand-crafted forms; baseline fields are per family', () => {
    expect(userErrorOf(() => getLoss('param-ap:linear', { params: { ctrlPoints: ctrl5 } }))).toMatch(
      /not a parameter of loss 'param-ap:linear'; allowed: gradScale, topK, quality/,
    );
    expect(lossParamFields('focal+giou').map((f) => f.name)).toEqual([
      'clsWeight',
      'alpha',
      'gamma',
      'l1Weight',
      'l1Beta',
      'giouWeight',
    ]);
    expect(lossParamFields('ce+l1').map((f) => f.name)).toEqual([
      'clsWeight',
      'backgroundWeight',
      'l1Weight',
      'l1Beta',
    ]);
    expect(userErrorOf(() => getLoss('ce+l1', { params: { gamma: 2 } }))).toMatch(
      /"gamma": not a parameter of loss 'ce\+l1'/,
    );
    expect(userErrorOf(() => getLoss('focal+l1', { params: { alpha: 1.5 } }))).toMatch(/"alpha": must be ≤ 1/);
  });

  it('baseline weights can be overridden per head', () => {
    const loss = getLoss('ce+giou', {
      params: { giouWeight: 4, heads: { roi: { giouWeight: 5, backgroundWeight: 0.5 } } },
    });
    expect(loss.settings('roi')).toMatchObject({
      box: [{ kind: 'giou', weight: 5 }],
      cls: { kind: 'softmax-ce', backgroundWeight: 0.5 },
    });
    expect(loss.settings('detr')).toMatchObject({ box: [{ kind: 'giou', weight: 4 }], cls: { backgroundWeight: 0.1 } });
    expect(loss.settings('rpn')).toMatchObject({ box: [{ kind: 'l1', weight: 1 }] });
  });

  it('ce+smooth-l1: CE fields + the smooth-L1 weight and β (default 1/9 on both Faster R-CNN heads), per head', () => {
    expect(lossParamFields('ce+smooth-l1').map((f) => f.name)).toEqual([
      'clsWeight',
      'backgroundWeight',
      'l1Weight',
      'l1Beta',
    ]);
    const defaults = getLoss('ce+smooth-l1');
    for (const head of ['rpn', 'roi'] as const)
      expect(defaults.settings(head)).toMatchObject({
        box: [{ kind: 'l1', weight: 1, beta: 1 / 9, normaliser: 'valid' }],
      });
    const loss = getLoss('ce+smooth-l1', { params: { heads: { roi: { l1Beta: 1, l1Weight: 2 } } } });
    expect(loss.settings('roi')).toMatchObject({ box: [{ kind: 'l1', weight: 2, beta: 1 }] });
    expect(loss.settings('rpn')).toMatchObject({ box: [{ kind: 'l1', weight: 1, beta: 1 / 9 }] });
    expect(userErrorOf(() => getLoss('ce+smooth-l1', { params: { giouWeight: 2 } }))).toMatch(
      /"giouWeight": not a parameter of loss 'ce\+smooth-l1'/,
    );
  });

  it('a file written for another loss is refused', () => {
    expect(
      userErrorOf(() => validateLossParams('focal+giou', { loss: 'param-ap', gradScale: 2 }, 'final-params.json')),
    ).toMatch(/final-params\.json: "loss": the file is for loss "param-ap", but --loss is 'focal\+giou'/);
    expect(validateLossParams('param-ap', { loss: 'param-ap', gradScale: 2 }).defaults).toEqual({ gradScale: 2 });
  });

  it('loadLoss reads a params file; a missing or malformed file is a UserError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apdet-loss-params-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ heads: { rpn: { gradScale: 1.5 } } }));
    expect((await loadLoss('param-ap', good)).settings('rpn')).toMatchObject({ gradScale: 1.5, paramsSource: good });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "gradScale": 2,\n  }');
    await expect(loadLoss('param-ap', broken)).rejects.toThrow(/broken\.json: invalid JSON at line 2/);
    await expect(loadLoss('param-ap', join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: file not found/);
    await expect(loadLoss('nope', good)).rejects.toThrow(/unknown --loss 'nope'/);
  });
});
