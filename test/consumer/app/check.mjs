// Runs with plain `node` in a fresh project that installed the packed @apdet tarballs with npm
// (tools/consumer-check.mjs): the READMEs' examples must work from the published files alone.
import { readFileSync } from 'node:fs';

const json = (file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const problems = [];

// @apdet/coco-eval's README example on a bundled oracle scenario: pycocotools' 12 stats.
const { evaluateCoco } = await import('@apdet/coco-eval');
const { evaluateFiles } = await import('@apdet/coco-eval/node');
const expected = json('./fixtures/p02_expected.json').stats;
const result = evaluateCoco(json('./fixtures/p02_gt.json'), json('./fixtures/p02_dt.json'));
if (result.stats.some((s, i) => Math.abs(s - expected[i]) > 1e-12))
  problems.push(`coco-eval stats ${JSON.stringify(result.stats)} differ from pycocotools' ${JSON.stringify(expected)}`);
const fromFiles = await evaluateFiles(
  new URL('./fixtures/p02_gt.json', import.meta.url).pathname,
  new URL('./fixtures/p02_dt.json', import.meta.url).pathname,
);
if (fromFiles.result.stats[0] !== result.stats[0])
  problems.push('coco-eval/node evaluateFiles disagrees with evaluateCoco');

// @apdet/losses' README example: the PAP loss of a fixed input (official-code oracle, float32).
const tf = await import('@tensorflow/tfjs');
const { parameterizedApLoss } = await import('@apdet/losses');
const fx = json('./fixtures/pap_linear_basic.json');
const loss = parameterizedApLoss(
  tf.tensor(fx.inputs.logits),
  tf.tensor(fx.inputs.ious),
  tf.tensor(fx.inputs.targets, undefined, 'int32'),
  { form: 'linear' },
);
const value = (await loss.data())[0];
if (!(Math.abs(value - fx.outputs_float32.loss) <= 1e-6))
  problems.push(`PAP loss ${value}, official code ${fx.outputs_float32.loss}`);

// Every other package imports and exports something.
const others = [
  'backend',
  'data',
  'detector',
  'faster-rcnn',
  'io',
  'nn',
  'ops',
  'report',
  'retinanet',
  'rng',
  'search',
];
for (const name of others) {
  const mod = await import(`@apdet/${name}`);
  if (Object.keys(mod).length === 0) problems.push(`@apdet/${name} exports nothing`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`consumer: ${p}`);
  process.exit(1);
}
console.log(
  `consumer: ok (coco-eval AP ${result.stats[0].toFixed(6)} = pycocotools, PAP loss ${value.toFixed(7)} = official, ${others.length + 2} packages import)`,
);
