// Which sampler each registry entry declares per head (DetectionLoss.sampler): the table of
// docs/spec/detectors.md A.3 and C, checked for every name × head so a new entry cannot forget it.
import { describe, expect, it } from 'vitest';
import { getLoss, HEAD_KINDS, LOSS_NAMES, type HeadKind, type SamplerSpec } from '../../src/registry/index.js';

const PSEUDO: SamplerSpec = { kind: 'pseudo' };
const RPN_RANDOM: SamplerSpec = { kind: 'random', num: 256, posFraction: 0.5, addGtAsProposals: false };
const ROI_RANDOM: SamplerSpec = { kind: 'random', num: 512, posFraction: 0.25, addGtAsProposals: true };

/** The documented table, written out independently of src/registry/samplers.ts. */
function expected(name: string, head: HeadKind): SamplerSpec {
  if (head === 'rpn') return RPN_RANDOM; // every loss, param-ap included (detectors.md A.3)
  if (head === 'roi') return name.startsWith('param-ap') ? PSEUDO : ROI_RANDOM;
  return PSEUDO; // retina, detr
}

describe('DetectionLoss.sampler', () => {
  it.each(LOSS_NAMES.flatMap((name) => HEAD_KINDS.map((head) => [name, head] as const)))('%s on %s', (name, head) => {
    expect(getLoss(name).sampler(head)).toEqual(expected(name, head));
  });

  it('the Faster R-CNN cases of the issue: CE baselines sample both heads, param-ap ranks every proposal', () => {
    expect(getLoss('ce+l1').sampler('roi')).toEqual(ROI_RANDOM);
    expect(getLoss('ce+smooth-l1').sampler('rpn')).toEqual(RPN_RANDOM);
    expect(getLoss('param-ap').sampler('roi')).toEqual(PSEUDO);
    expect(getLoss('param-ap:linear').sampler('rpn')).toEqual(RPN_RANDOM);
  });

  it('returns a fresh object: changing one spec does not change the next call', () => {
    const loss = getLoss('ce+giou');
    const first = loss.sampler('roi');
    if (first.kind === 'random') first.num = 1;
    expect(loss.sampler('roi')).toEqual(ROI_RANDOM);
    expect(getLoss('ce+l1').sampler('roi')).toEqual(ROI_RANDOM);
  });
});
