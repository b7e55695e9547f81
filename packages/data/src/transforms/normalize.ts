import type { Sample, Transform } from './sample.js';

/** ImageNet statistics on the 0–255 RGB scale (torchvision / mmdetection `img_norm_cfg`). */
export const IMAGENET_MEAN: [number, number, number] = [123.675, 116.28, 103.53];
export const IMAGENET_STD: [number, number, number] = [58.395, 57.12, 57.375];

/** (pixel − mean) / std per RGB channel, in place (pixel data and canvas fill). */
export function normalize(
  mean: [number, number, number] = IMAGENET_MEAN,
  std: [number, number, number] = IMAGENET_STD,
): Transform {
  const inv = std.map((s) => 1 / s);
  const [m0, m1, m2] = mean;
  const [i0, i1, i2] = inv as [number, number, number];
  return {
    name: 'normalize',
    apply(sample: Sample): Sample {
      const { data, fill } = sample.image;
      for (let i = 0; i < data.length; i += 3) {
        data[i] = (data[i] - m0) * i0;
        data[i + 1] = (data[i + 1] - m1) * i1;
        data[i + 2] = (data[i + 2] - m2) * i2;
      }
      const newFill: [number, number, number] = [
        Math.fround((fill[0] - m0) * i0),
        Math.fround((fill[1] - m1) * i1),
        Math.fround((fill[2] - m2) * i2),
      ];
      return { ...sample, image: { ...sample.image, fill: newFill } };
    },
  };
}
