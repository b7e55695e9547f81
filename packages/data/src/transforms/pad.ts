import { densify, type Sample, type Transform } from './sample.js';

/**
 * Pads the bottom and right with `value` so both sides are multiples of `divisor` (FPN
 * strides need 32). The valid size in `meta` stays the unpadded one for the pixel mask.
 */
export function padToMultiple(divisor = 32, value = 0): Transform {
  return {
    name: `padToMultiple(${divisor})`,
    apply(sample: Sample): Sample {
      const image = densify(sample.image);
      const width = Math.ceil(image.width / divisor) * divisor;
      const height = Math.ceil(image.height / divisor) * divisor;
      if (width === image.width && height === image.height) return { ...sample, image };
      return { ...sample, image: { ...image, width, height, fill: [value, value, value] } };
    },
  };
}
