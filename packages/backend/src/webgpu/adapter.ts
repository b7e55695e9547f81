/**
 * What WebGPU adapter Dawn offers, and whether it is a real GPU.
 */
import type { GpuAdapterLike } from './gpu-types.js';

/** The adapter a webgpu backend runs on, as recorded in run manifests. */
export interface WebgpuAdapterDescription {
  /** e.g. 'nvidia', 'amd', 'intel', 'mesa' (lavapipe), 'google' (SwiftShader). */
  vendor: string;
  /** e.g. 'ampere', 'hopper', 'gen-12lp', 'software'. */
  architecture: string;
  /** The driver's device name, e.g. 'llvmpipe-llvm-15-0-6-256-bits-'. */
  device: string;
  /** The driver's one-line description, e.g. 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1'. */
  description: string;
  /** True for a CPU implementation (lavapipe, SwiftShader, WARP): right, but slower than wasm. */
  software: boolean;
}

/**
 * Software rasterisers by the names their drivers report. Dawn marks lavapipe with
 * `isFallbackAdapter` and architecture 'software' (measured here, docs/spec/platform.md §7);
 * the names catch implementations that set neither.
 */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render|\bwarp\b/i;

/** Describes `adapter`, telling a hardware GPU from a software fallback. */
export function describeAdapter(adapter: GpuAdapterLike): WebgpuAdapterDescription {
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    info.architecture === 'software' ||
    SOFTWARE_NAMES.test(text);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software,
  };
}

/** One line for logs: `nvidia hopper (NVIDIA H200)` / `mesa software (llvmpipe: …), software`. */
export function adapterLabel(a: WebgpuAdapterDescription): string {
  const name = a.description || a.device;
  const what = [a.vendor || 'unknown vendor', a.architecture].filter((s) => s !== '').join(' ');
  return `${what}${name ? ` (${name})` : ''}${a.software ? ', software' : ''}`;
}
