/**
 * Faster R-CNN's bad input through the real CLI (issue [I] CI: "bad input (unknown loss for this
 * detector, loss-params without the RoI section) is one clear line"): one `apdet-train: error: …`
 * line and a non-zero exit, before any data work (`--data` names a folder that does not exist,
 * so a run that got past the checks fails on it instead, also in one line).
 *
 * Every registry loss applies to both heads, the focal entries included (the RPN is a C = 1
 * sigmoid head like RetinaNet's; the RoI classifier is sized by `loss.numLogits('roi', C)`):
 * packages/faster-rcnn/test/conformance.test.ts trains each of them and checks that the loss
 * falls, so no loss name is refused for this detector beyond the unknown ones.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cli, expectOneErrorLine } from './helpers.js';

let dir: string;
let missingData: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'apdet-frcnn-cli-'));
  missingData = path.join(dir, 'no-data');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a `--loss-params` file into the test folder and returns its path. */
async function paramsFile(name: string, json: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(json));
  return file;
}

const frcnn = (...args: string[]) => cli(['faster-rcnn', ...args, '--data', missingData]);

describe('apdet-train faster-rcnn: bad input is one line', () => {
  it('an unknown --loss names the valid ones, focal entries among them', () => {
    expectOneErrorLine(
      frcnn('--loss', 'focal+gio'),
      /unknown --loss 'focal\+gio' \(did you mean 'focal\+giou'\?\); valid names: param-ap, .*focal\+l1, focal\+giou, .*ce\+smooth-l1/,
    );
  });

  it('a --loss-params file with both head sections passes the checks (then the missing data is the one line)', async () => {
    const file = await paramsFile('both.json', { loss: 'param-ap', heads: { rpn: { gradScale: 2 }, roi: {} } });
    expectOneErrorLine(frcnn('--loss', 'param-ap', '--loss-params', file), /--data .*no-data: no such directory/);
  });

  it('a misspelt field in the roi section is one line naming its path', async () => {
    const file = await paramsFile('bad-roi.json', { heads: { rpn: {}, roi: { gradScael: 3 } } });
    expectOneErrorLine(
      frcnn('--loss', 'param-ap', '--loss-params', file),
      /bad-roi\.json: "heads\.roi\.gradScael": not a parameter of loss 'param-ap'/,
    );
  });

  // The check lives in apps/train/src/settings.ts (buildRunSettings, against `DetectorSpec.heads`).
  it('a --loss-params file with an rpn section but no roi section', async () => {
    const file = await paramsFile('rpn-only.json', { loss: 'param-ap', heads: { rpn: { gradScale: 2 } } });
    expectOneErrorLine(
      frcnn('--loss', 'param-ap', '--loss-params', file),
      /rpn-only\.json: "heads": no "roi" section; faster-rcnn trains its loss on heads rpn, roi/,
    );
  });

  it('a --loss-params section for a head Faster R-CNN does not have', async () => {
    const file = await paramsFile('retina.json', { heads: { rpn: {}, roi: {}, retina: { gradScale: 2 } } });
    expectOneErrorLine(
      frcnn('--loss', 'param-ap', '--loss-params', file),
      /retina\.json: "heads\.retina": faster-rcnn has no retina head; its loss heads are rpn, roi/,
    );
  });
});
