/**
 * The registry of detectors: the ONLY module of the apps that names detector packages. Adding a
 * detector is one package implementing @apdet/detector's contract plus one line here; every
 * app (train, eval, search, the loss table) and its `--help` read this table.
 */
import { UserError } from '@apdet/io';
import type { DetectorConfigBase, DetectorSpec } from '@apdet/detector';
import { FASTER_RCNN_SPEC } from '@apdet/faster-rcnn';
import { RETINANET_SPEC } from '@apdet/retinanet';

const DETECTORS: ReadonlyMap<string, DetectorSpec> = new Map<string, DetectorSpec>([
  [RETINANET_SPEC.name, RETINANET_SPEC],
  [FASTER_RCNN_SPEC.name, FASTER_RCNN_SPEC],
]);

/** The registered detector names, in help order. */
export function detectorNames(): string[] {
  return [...DETECTORS.keys()];
}

/**
 * The spec of a registered detector; an unknown name is a one-line UserError listing the names.
 *
 * @example
 * const spec = detectorSpec('retinanet');
 * const model = spec.build(spec.preset(spec.defaultPreset), { loss, seed: 0 });
 */
export function detectorSpec(name: string): DetectorSpec {
  const spec = DETECTORS.get(name);
  if (spec === undefined) throw new UserError(`unknown detector '${name}'; available: ${detectorNames().join(', ')}`);
  return spec;
}

/** One line per detector, `name  summary`, for `--help`. */
export function describeDetectors(): string {
  const width = Math.max(...detectorNames().map((n) => n.length));
  return [...DETECTORS.values()].map((s) => `${s.name.padEnd(width)}  ${s.summary}`).join('\n');
}

export type { DetectorConfigBase };
