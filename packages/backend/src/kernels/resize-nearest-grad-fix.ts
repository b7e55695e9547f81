/**
 * Fix for the cpu backend's ResizeNearestNeighborGrad (tfjs-backend-cpu 4.22.0): it reads dy
 * at `b · imageStrides[0]` instead of `b · dyStrides[0]`, so for batch > 1 every image after
 * the first gets a wrong gradient (silently). FPN top-down upsampling goes through it.
 * Fix: run the stock kernel one image at a time, where the offset bug cannot bite.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceKernel } from './registry.js';

const STOCK_KEY = Symbol.for('@apdet/backend.stockCpuResizeNearestNeighborGrad');

function stockKernel(): tf.KernelFunc {
  const g = globalThis as unknown as Record<symbol, tf.KernelFunc | undefined>;
  if (!(STOCK_KEY in g)) g[STOCK_KEY] = tf.getKernel('ResizeNearestNeighborGrad', 'cpu')?.kernelFunc;
  const k = g[STOCK_KEY];
  if (k == null) throw new Error('ResizeNearestNeighborGrad: the cpu backend has no stock kernel to wrap');
  return k;
}

export function registerResizeNearestGradFix(): void {
  const stock = stockKernel();
  replaceKernel({
    kernelName: 'ResizeNearestNeighborGrad',
    backendName: 'cpu',
    kernelFunc: (args) => {
      const images = args.inputs.images as tf.Tensor4D;
      const dy = args.inputs.dy as tf.Tensor4D;
      if (images.shape[0] === 1) return stock(args);
      return tf.tidy(() => {
        const parts: tf.Tensor[] = [];
        for (let b = 0; b < images.shape[0]; b++) {
          const inputs = { images: tf.slice(images, b, 1), dy: tf.slice(dy, b, 1) };
          const info = stock({ ...args, inputs }) as tf.TensorInfo;
          parts.push(tf.engine().makeTensorFromTensorInfo(info));
        }
        return tf.concat(parts, 0);
      });
    },
  });
}
