/**
 * Anchor generator configuration (mmdet v2 `AnchorGenerator` semantics) and the presets the
 * detectors use.
 */

export interface AnchorConfig {
  /** Stride of each pyramid level in pixels, e.g. [8, 16, 32, 64, 128] for P3–P7. */
  strides: number[];
  /** Aspect ratios h/w. */
  ratios: number[];
  /** Scales relative to the base size. Give either this or octaveBaseScale + scalesPerOctave. */
  scales?: number[];
  /** RetinaNet style: scales = octaveBaseScale · 2^(i/scalesPerOctave), i = 0 … scalesPerOctave−1. */
  octaveBaseScale?: number;
  scalesPerOctave?: number;
  /** Base size per level; defaults to the strides. */
  baseSizes?: number[];
  /**
   * Anchor centre offset as a fraction of the base size (mmdet v2 `center_offset`). Default 0:
   * the anchor of cell (y, x) is centred at (x·stride, y·stride). With base size = stride,
   * 0.5 centres it in the stride cell.
   */
  centerOffset?: number;
}

/** Resolved configuration: explicit scales and base sizes. */
export interface ResolvedAnchorConfig {
  strides: number[];
  ratios: number[];
  scales: number[];
  baseSizes: number[];
  centerOffset: number;
}

export function resolveAnchorConfig(c: AnchorConfig): ResolvedAnchorConfig {
  if (c.strides.length === 0) throw new RangeError('AnchorConfig: strides must not be empty');
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  if (!c.strides.every(positive))
    throw new RangeError(`AnchorConfig: strides must be positive, got ${c.strides.join(',')}`);
  if (c.ratios.length === 0 || !c.ratios.every(positive))
    throw new RangeError(`AnchorConfig: ratios must be positive, got ${c.ratios.join(',')}`);
  const hasOctave = c.octaveBaseScale !== undefined || c.scalesPerOctave !== undefined;
  if (hasOctave === (c.scales !== undefined)) {
    throw new RangeError('AnchorConfig: give either scales or octaveBaseScale + scalesPerOctave');
  }
  const scales = c.scales ?? octaveScales(c.octaveBaseScale, c.scalesPerOctave);
  if (scales.length === 0 || !scales.every(positive))
    throw new RangeError(`AnchorConfig: scales must be positive, got ${scales.join(',')}`);
  const baseSizes = c.baseSizes ?? c.strides;
  if (baseSizes.length !== c.strides.length) {
    throw new RangeError(`AnchorConfig: ${baseSizes.length} baseSizes for ${c.strides.length} strides`);
  }
  const centerOffset = c.centerOffset ?? 0;
  if (!(centerOffset >= 0 && centerOffset <= 1))
    throw new RangeError(`AnchorConfig: centerOffset must be in [0, 1], got ${centerOffset}`);
  return { strides: [...c.strides], ratios: [...c.ratios], scales, baseSizes: [...baseSizes], centerOffset };
}

function octaveScales(base: number | undefined, perOctave: number | undefined): number[] {
  if (base === undefined || perOctave === undefined || !Number.isInteger(perOctave) || perOctave < 1) {
    throw new RangeError(
      `AnchorConfig: octaveBaseScale and an integer scalesPerOctave ≥ 1 are both required, got ${base}, ${perOctave}`,
    );
  }
  return Array.from({ length: perOctave }, (_, i) => base * 2 ** (i / perOctave));
}

/**
 * RetinaNet anchors: P3–P7 (strides 8…128), octave base scale 4, ratios {0.5, 1, 2}.
 * The PAP config uses 2 scales per octave (A = 6); the mmdet base config uses 3 (A = 9).
 */
export function retinaNetAnchorConfig(scalesPerOctave: 2 | 3 = 2): AnchorConfig {
  return { strides: [8, 16, 32, 64, 128], ratios: [0.5, 1, 2], octaveBaseScale: 4, scalesPerOctave };
}

/** Faster R-CNN RPN anchors: P2–P6 (strides 4…64), one scale 8, ratios {0.5, 1, 2} (A = 3). */
export function fasterRcnnAnchorConfig(): AnchorConfig {
  return { strides: [4, 8, 16, 32, 64], ratios: [0.5, 1, 2], scales: [8] };
}
