/**
 * DepthwiseConv2dNativeBackpropInput / …Filter for the wasm backend (missing there), from
 * forward depthwise convs (see ../depthwise-grad-math.ts). The cpu backend keeps its stock
 * kernels. The stock DepthwiseConv2dNative gradient calls these kernels (dilation 1 only).
 */
import * as tf from '@tensorflow/tfjs';
import { depthwiseFilterGrad, depthwiseInputGrad } from '../depthwise-grad-math.js';
import { convGeometry, type ConvGeometry } from '../conv-geometry.js';
import { replaceKernel } from './registry.js';

type Pair = number | [number, number];
interface DepthwiseAttrs {
  strides: Pair;
  dilations: Pair;
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function geometry(inputShape: number[], filterShape: number[], a: DepthwiseAttrs): ConvGeometry {
  return convGeometry(inputShape, filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
}

function inputKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const filter = inputs.filter as tf.Tensor4D;
  return depthwiseInputGrad(inputs.dy as tf.Tensor4D, filter, geometry(a.inputShape, filter.shape, a));
}

function filterKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const x = inputs.x as tf.Tensor4D;
  return depthwiseFilterGrad(x, inputs.dy as tf.Tensor4D, geometry(x.shape, a.filterShape, a));
}

/** Registers both depthwise backprop kernels on wasm. */
export function registerDepthwiseKernels(): void {
  replaceKernel({
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: inputKernel,
  });
  replaceKernel({
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: filterKernel,
  });
}
