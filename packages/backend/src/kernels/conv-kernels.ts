/**
 * Conv2D training kernels for the wasm and cpu backends, built from forward convs
 * (see ../conv-grad-math.ts for the math).
 *
 * They are registered as KERNELS (`Conv2DBackpropInput`, `Conv2DBackpropFilter`) rather than
 * only as a `Conv2D` gradient so that every path that reaches them gets the fast version:
 * tf.conv2d's gradient, tf.fused.conv2d's custom gradient, tf.conv2dTranspose (forward and
 * gradient) and second-order gradients. A tfjs kernel may return Tensors (engine.runKernelFunc
 * passes them through); ops run inside a kernel are not recorded on the gradient tape
 * (kernelDepth > 0), so this is safe under tf.grad.
 *
 * The `Conv2D` gradient is also replaced: identical to the stock one for dilation 1 (it calls
 * the two kernels above, so the native TensorFlow backend keeps its own), and for dilation > 1
 * (which the stock gradient rejects) it uses the forward-conv formulation directly.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, type ConvPad } from '../conv-geometry.js';
import { conv2dFilterGrad, conv2dInputGrad } from '../conv-grad-math.js';
import { replaceGradient, replaceKernel } from './registry.js';

type Pair = number | [number, number];
interface BackpropAttrs {
  strides: Pair;
  pad: ConvPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Where our kernels replace the stock ones. dW: wasm (missing) and cpu (stock 0.01 GFLOP/s,
 * ours ~0.3-0.7). dX: wasm only (stock ~1 GFLOP/s vs ours 7-17); on cpu the stock direct
 * loop (~1 GFLOP/s) beats a forward conv there (~0.3-0.5), so it stays (bench/conv-grad.ts).
 */
const FILTER_GRAD_BACKENDS = ['wasm', 'cpu'] as const;
const INPUT_GRAD_BACKENDS = ['wasm'] as const;

function toNhwc(t: tf.Tensor4D, dataFormat: string): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

function fromNhwc(t: tf.Tensor4D, dataFormat: string): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 3, 1, 2]) : t;
}

function nhwcShape(shape: readonly number[], dataFormat: string): number[] {
  return dataFormat === 'NCHW' ? [shape[0], shape[2], shape[3], shape[1]] : [...shape];
}

function asTensor4D(t: tf.TensorInfo | undefined, name: string, kernel: string): tf.Tensor4D {
  if (!(t instanceof tf.Tensor)) throw new Error(`${kernel}: input '${name}' is not a Tensor`);
  return t as tf.Tensor4D;
}

/** Conv2DBackpropFilter: inputs {x, dy}, attrs {…, filterShape}. */
function backpropFilterKernel({
  inputs,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.Tensor {
  const a = attrs as unknown as BackpropAttrs & { filterShape: number[] };
  const x = asTensor4D(inputs.x, 'x', 'Conv2DBackpropFilter');
  const dy = asTensor4D(inputs.dy, 'dy', 'Conv2DBackpropFilter');
  return tf.tidy(() => {
    const xN = toNhwc(x, a.dataFormat);
    const g = convGeometry(xN.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
    return conv2dFilterGrad(xN, toNhwc(dy, a.dataFormat), g);
  });
}

/** Conv2DBackpropInput: inputs {dy, filter}, attrs {…, inputShape}. */
function backpropInputKernel({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const a = attrs as unknown as BackpropAttrs & { inputShape: number[] };
  const dy = asTensor4D(inputs.dy, 'dy', 'Conv2DBackpropInput');
  const filter = asTensor4D(inputs.filter, 'filter', 'Conv2DBackpropInput');
  return tf.tidy(() => {
    const inShape = nhwcShape(a.inputShape, a.dataFormat);
    const g = convGeometry(inShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode);
    return fromNhwc(conv2dInputGrad(toNhwc(dy, a.dataFormat), filter, g), a.dataFormat);
  });
}

/** Conv2D gradient with dilation support; dilation-1 convs go through the kernels above. */
function conv2dGradient(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
  const dy4 = dy as tf.Tensor4D;
  const a = attrs as unknown as BackpropAttrs & { dilations: Pair };
  const dil = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : (a.dilations ?? [1, 1]);
  const common = { strides: a.strides, pad: a.pad, dataFormat: a.dataFormat, dimRoundingMode: a.dimRoundingMode };
  if (dil[0] === 1 && dil[1] === 1) {
    return {
      x: () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter }, {
          ...common,
          inputShape: x.shape,
        } as never) as tf.Tensor,
      filter: () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy4 }, {
          ...common,
          filterShape: filter.shape,
        } as never) as tf.Tensor,
    };
  }
  const geometry = () =>
    convGeometry(
      nhwcShape(x.shape, a.dataFormat),
      filter.shape,
      a.strides,
      dil as [number, number],
      a.pad,
      a.dimRoundingMode,
    );
  return {
    x: () => fromNhwc(conv2dInputGrad(toNhwc(dy4, a.dataFormat), filter, geometry()), a.dataFormat),
    filter: () => conv2dFilterGrad(toNhwc(x, a.dataFormat), toNhwc(dy4, a.dataFormat), geometry()),
  };
}

/** Registers the conv kernels (dW on wasm and cpu, dX on wasm) and the Conv2D gradient (all backends). */
export function registerConvKernels(): void {
  for (const backendName of FILTER_GRAD_BACKENDS) {
    replaceKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: backpropFilterKernel });
  }
  for (const backendName of INPUT_GRAD_BACKENDS) {
    replaceKernel({ kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: backpropInputKernel });
  }
  replaceGradient({ kernelName: 'Conv2D', inputsToSave: ['x', 'filter'], gradFunc: conv2dGradient });
}
