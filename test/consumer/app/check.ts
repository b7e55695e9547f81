// Type-checked with `tsc --noEmit` against the shipped .d.ts files (tools/consumer-check.mjs).
// If one of the @apdet types decays to `any` (e.g. an unresolved import), the expect-error
// lines below become unused and fail the check. skipLibCheck: tfjs 4.22's own declarations
// fail a full check under TypeScript 5.9.
import { evaluateCoco, type CocoEvalResult } from '@apdet/coco-eval';
import { evaluateFiles } from '@apdet/coco-eval/node';
import { getLoss, type DetectionLoss } from '@apdet/losses';
import { Rng } from '@apdet/rng';
import { RETINANET_SPEC } from '@apdet/retinanet';
import type { DetectorSpec } from '@apdet/detector';

const result: CocoEvalResult = evaluateCoco({ images: [], annotations: [], categories: [] }, []);
const ap: number = result.stats[0];
// @ts-expect-error stats are numbers
const notAString: string = result.stats[0];
const loss: DetectionLoss = getLoss('param-ap');
// @ts-expect-error a loss name is a string
const notANumber: number = loss.name;
const spec: DetectorSpec = RETINANET_SPEC as unknown as DetectorSpec;
// @ts-expect-error presets are keyed by name
spec.preset(3);
const draw: number = Rng.from(1, 2).uniform(0, 1);
// @ts-expect-error evaluateFiles takes file paths
void evaluateFiles(1, 2);
export const checked = { ap, notAString, notANumber, loss: loss.name, spec: spec.name, draw };
