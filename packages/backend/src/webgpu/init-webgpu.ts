/**
 * Starting tfjs's webgpu backend on Dawn in Node.
 *
 * We register the 'webgpu' backend factory ourselves rather than relying on
 * tfjs-backend-webgpu's own (which registers only if `navigator.gpu` exists when the module is
 * first imported, and requests its own adapter): the adapter we checked is the one that runs,
 * and the backend is ours with a working `readSync` (./node-webgpu-backend.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels, registerWebgpuTrainingKernels } from '../register.js';
import { describeAdapter, type WebgpuAdapterDescription } from './adapter.js';
import { loadDawn } from './dawn.js';
import type { GpuAdapterLike } from './gpu-types.js';
import { NodeWebGPUBackend } from './node-webgpu-backend.js';

export type WebgpuStart =
  { ok: true; adapter: WebgpuAdapterDescription } | { ok: false; why: string; adapter?: WebgpuAdapterDescription };

export interface WebgpuStartOptions {
  /** Accept a software adapter (lavapipe, SwiftShader). The automatic choice does not. */
  allowSoftware: boolean;
}

/** Below wasm (2) and cpu (1): tfjs must never pick webgpu on its own; initBackend chooses. */
const FACTORY_PRIORITY = 0;

/**
 * The device limits raised to the adapter's: those tfjs-backend-webgpu's own factory raises
 * (its `base.ts`), and the storage buffers per shader, which bound how many tensors one
 * Concat / AddN shader reads (8 by default; 16 on lavapipe, more on most GPUs).
 */
const RAISED_LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

async function createBackend(adapter: GpuAdapterLike): Promise<NodeWebGPUBackend> {
  const requiredLimits = Object.fromEntries(RAISED_LIMITS.map((name) => [name, adapter.limits[name]]));
  // timestamp-query: tfjs's kernel profiling (tf.profile / tf.time) uses it when present.
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  return new NodeWebGPUBackend(device, adapter.info);
}

const NO_ADAPTER =
  "Dawn found no WebGPU adapter: no Vulkan driver (install your GPU vendor's Vulkan driver, or Mesa's software one: " +
  'mesa-vulkan-drivers 25 from bookworm-backports; the 22.3 of Debian 12 is too old for Dawn)';

async function requestAdapter(): Promise<GpuAdapterLike | string> {
  const dawn = await loadDawn();
  if (!dawn.ok) return dawn.why;
  try {
    return (await dawn.gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? NO_ADAPTER;
  } catch (error) {
    return `requesting a WebGPU adapter failed: ${String(error).split('\n')[0]}`;
  }
}

/** Whether Dawn loads and offers an adapter (software included), without starting a backend. */
export async function probeWebgpu(): Promise<
  { ok: true; adapter: WebgpuAdapterDescription } | { ok: false; why: string }
> {
  const adapter = await requestAdapter();
  return typeof adapter === 'string' ? { ok: false, why: adapter } : { ok: true, adapter: describeAdapter(adapter) };
}

/**
 * Loads Dawn, takes the high-performance adapter, refuses a software one unless
 * `allowSoftware`, and makes 'webgpu' the active tfjs backend. Never throws.
 */
export async function startWebgpu(options: WebgpuStartOptions): Promise<WebgpuStart> {
  const adapter = await requestAdapter();
  if (typeof adapter === 'string') return { ok: false, why: adapter };
  const description = describeAdapter(adapter);
  if (description.software && !options.allowSoftware) {
    return {
      ok: false,
      why: `the WebGPU adapter Dawn offers is a software one (${description.description}), slower than wasm; choose it with --backend webgpu`,
      adapter: description,
    };
  }
  const chosen = adapter;
  registerTrainingKernels();
  registerWebgpuTrainingKernels(); // tfjs-backend-webgpu's kernels exist now (node-webgpu-backend.ts imports it)
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => createBackend(chosen), FACTORY_PRIORITY);
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, why: 'the webgpu backend failed to initialise' };
  } catch (error) {
    return { ok: false, why: `the webgpu backend failed to initialise: ${String(error).split('\n')[0]}` };
  }
  return { ok: true, adapter: description };
}
