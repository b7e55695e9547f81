/**
 * Fix for the cpu backend's ResizeBilinearGrad (tfjs-backend-cpu 4.22.0): it fills the right
 * values but labels its output [batch, WIDTH, HEIGHT, depth], so the gradient of
 * tf.image.resizeBilinear throws a shape error for every non-square input. The values are laid
 * out with the input's own strides, so relabelling the shape is the whole fix.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceKernel } from './registry.js';

const STOCK_KEY = Symbol.for('@apdet/backend.stockCpuResizeBilinearGrad');

function stockKernel(): tf.KernelFunc {
  const g = globalThis as unknown as Record<symbol, tf.KernelFunc | undefined>;
  if (!(STOCK_KEY in g)) g[STOCK_KEY] = tf.getKernel('ResizeBilinearGrad', 'cpu')?.kernelFunc;
  const k = g[STOCK_KEY];
  if (k == null) throw new Error('ResizeBilinearGrad: the cpu backend has no stock kernel to wrap');
  return k;
}

/** Wraps the stock cpu ResizeBilinearGrad, giving its output the input image's shape. */
export function registerResizeBilinearGradFix(): void {
  const stock = stockKernel();
  replaceKernel({
    kernelName: 'ResizeBilinearGrad',
    backendName: 'cpu',
    kernelFunc: (args) => {
      const out = stock(args) as tf.TensorInfo;
      const images = args.inputs.images as tf.TensorInfo;
      return { dataId: out.dataId, dtype: out.dtype, shape: [...images.shape] };
    },
  });
}
