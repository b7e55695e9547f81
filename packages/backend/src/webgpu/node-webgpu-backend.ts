/**
 * tfjs-backend-webgpu's backend with a `readSync` that works in Node.
 *
 * The stock `readSync` (tfjs-backend-webgpu 4.22.0, `backend_webgpu.ts`) copies the tensor's
 * buffer into `OffscreenCanvas` textures and reads their pixels back, a browser-only path.
 * Ours does what the stock asynchronous `read` does (`getBufferData`: copy into a MAP_READ
 * staging buffer, submit, map, copy out), with the map completed synchronously by processing
 * Dawn's events (./dawn-ticks.ts). Values are cached on the tensor as the stock read does, so
 * a second read of the same tensor costs nothing.
 *
 * Also: a WebGPU validation error (e.g. a shader that binds more buffers than the device
 * allows) does not throw where it happens; the pipeline is dropped and its output stays zero.
 * The backend records the device's uncaptured errors and the next read, synchronous or not,
 * throws them, so a wrong result cannot pass silently into a loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendValues, DataType } from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { processDawnEventsUntil } from './dawn-ticks.js';
import type { GpuBufferLike } from './gpu-types.js';

/** How long a synchronous read waits for the GPU: one training step's queued work on a slow adapter. */
const READ_TIMEOUT_MS = 10 * 60 * 1000;

/** The members of the stock backend (private in its typings) that a buffer read uses. */
interface WebgpuInternals {
  tensorMap: { get(dataId: object): { values: BackendValues | null; dtype: DataType; resource: unknown } };
  bufferManager: {
    acquireBuffer(size: number, usage: number): GpuBufferLike;
    releaseBuffer(buffer: GpuBufferLike): void;
  };
  commandEncoder: {
    copyBufferToBuffer(src: GpuBufferLike, so: number, dst: GpuBufferLike, d: number, n: number): void;
  };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  convertAndCacheOnCPU(dataId: object, values: BackendValues): BackendValues;
}

interface ErrorEventTarget {
  addEventListener(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
}

interface WebgpuConstants {
  GPUBufferUsage: { COPY_DST: number; MAP_READ: number };
  GPUMapMode: { READ: number };
}

function isBuffer(resource: unknown): resource is GpuBufferLike {
  return typeof (resource as { mapAsync?: unknown } | null)?.mapAsync === 'function';
}

/** Copies `buffer` to the host, blocking until the GPU has written it. */
function readBufferSync(backend: WebgpuInternals, buffer: GpuBufferLike): ArrayBuffer {
  const { GPUBufferUsage, GPUMapMode } = globalThis as unknown as WebgpuConstants;
  const size = buffer.size;
  const staging = backend.bufferManager.acquireBuffer(size, GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.commandEncoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
  backend.submitQueue();
  // The promise settles later, on Node's event loop; its rejection is seen here as 'unmapped'.
  staging.mapAsync(GPUMapMode.READ).catch(() => {});
  processDawnEventsUntil(
    () => staging.mapState === 'mapped',
    () => (staging.mapState === 'unmapped' ? 'mapping the staging buffer failed' : null),
    READ_TIMEOUT_MS,
    'webgpu readSync',
  );
  const values = staging.getMappedRange().slice(0);
  staging.unmap();
  backend.bufferManager.releaseBuffer(staging);
  return values;
}

/** The stock webgpu backend, plus a synchronous read for Node and loud GPU errors (see the file comment). */
export class NodeWebGPUBackend extends WebGPUBackend {
  private readonly gpuErrors: string[] = [];

  constructor(device: ErrorEventTarget, adapterInfo: unknown) {
    super(device as never, adapterInfo as never);
    device.addEventListener('uncapturederror', (event) => {
      this.gpuErrors.push((event.error?.message ?? 'unknown GPU error').split('\n')[0]);
    });
  }

  /** Throws the GPU errors recorded since the last read (once). */
  private throwGpuErrors(): void {
    if (this.gpuErrors.length === 0) return;
    const [first] = this.gpuErrors;
    const count = this.gpuErrors.length;
    this.gpuErrors.length = 0;
    throw new Error(`webgpu: ${count} GPU error(s) before this read, results may be wrong; the first: ${first}`);
  }

  override readSync(dataId: object): BackendValues {
    const internals = this as unknown as WebgpuInternals;
    const data = internals.tensorMap.get(dataId);
    // Cached values, strings and complex tensors (read part by part through this method) go the stock way.
    if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64' || !isBuffer(data.resource)) {
      return super.readSync(dataId);
    }
    const bytes = readBufferSync(internals, data.resource);
    this.throwGpuErrors();
    const values = tf.util.convertBackendValuesAndArrayBuffer(bytes, data.dtype);
    return internals.convertAndCacheOnCPU(dataId, values);
  }

  override async read(dataId: object): Promise<BackendValues> {
    const values = await super.read(dataId);
    this.throwGpuErrors();
    return values;
  }
}
