import * as tf from '@tensorflow/tfjs';

/** Explicit padding as tfjs spells it: [[0,0],[top,bottom],[left,right],[0,0]]. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** The padding argument a tfjs conv accepts. */
export type ConvPad = 'same' | 'valid' | number | ExplicitPadding;

/** Everything a conv gradient needs to know about the forward conv's geometry (NHWC, HWIO). */
export interface ConvGeometry {
  readonly inputShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly outHeight: number;
  readonly outWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

type Pair = number | [number, number];

/**
 * Resolves a conv's attributes into explicit pads and output size, with tfjs's own
 * `computeConv2DInfo` so 'same' splits the padding exactly as the forward kernel did
 * (TF semantics: the odd pixel goes to the bottom/right). `depthwise`: the filter is
 * [KH, KW, C, multiplier] rather than [KH, KW, in, out].
 */
export function convGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  strides: Pair,
  dilations: Pair,
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  depthwise = false,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return {
    inputShape: [...inputShape] as [number, number, number, number],
    filterShape: [...filterShape] as [number, number, number, number],
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
  };
}
