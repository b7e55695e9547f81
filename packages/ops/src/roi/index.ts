export { roiAlign } from './roi-align.js';
export type { RoiAlignOptions } from './roi-taps.js';
export type { RoiInput } from './validate.js';
export { fpnLevelOfBox, mapRoisToLevels, type FpnLevelOptions } from './fpn-levels.js';
export { multiLevelRoiAlign, type MultiLevelRoiAlignOptions } from './multi-level-roi-align.js';
