/**
 * Backend selection: the native TensorFlow backend when it can load, else WebGPU on a hardware
 * GPU, else wasm, else cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { UserError } from '@apdet/io';
import { loadNativePackage } from './native-backend.js';
import { registerTrainingKernels } from './register.js';
import { initThreadedWasm } from './wasm-threads.js';
import { adapterLabel, type WebgpuAdapterDescription } from './webgpu/adapter.js';
import { vulkanDriverPresent } from './webgpu/vulkan-drivers.js';

/**
 * The backends initBackend can select. 'tensorflow' = libtensorflow via tfjs-node(-gpu);
 * 'webgpu' = tfjs-backend-webgpu on Dawn (the `webgpu` package).
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Every BackendName, in the automatic order (for CLIs' `--backend` choices). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /**
   * Select this backend or fail (UserError). Default: try tensorflow, then webgpu on a hardware
   * adapter, then wasm, then cpu. An explicit 'webgpu' also accepts a software adapter.
   */
  backend?: BackendName;
  /** wasm only: XNNPACK threads. 1 (default) or ≥ 2 (opt-in, see wasm-threads.ts). */
  threads?: number;
  /** Where the one-line-per-backend log goes (default: stderr); `false` for silence. */
  log?: ((line: string) => void) | false;
}

/** What initBackend selected, and why the others were not. */
export interface BackendDescription {
  name: BackendName;
  /** Which package provided it and why it was chosen. */
  reason: string;
  /** Compute threads for wasm; 0 where the backend manages its own (tensorflow, cpu = 1). */
  threads: number;
  /** wasm: SIMD in use. */
  simd?: boolean;
  /** tensorflow: the GPU build of libtensorflow was loaded (a GPU is used if CUDA finds one). */
  gpuBuild?: boolean;
  /** webgpu: the adapter in use (vendor, architecture, software or not), for run manifests. */
  adapter?: WebgpuAdapterDescription;
  /** Backends tried before this one, with why each was not used. */
  skipped: { name: string; why: string }[];
}

type Attempt = { ok: true; description: Omit<BackendDescription, 'skipped' | 'name'> } | { ok: false; why: string };

async function tryTensorflow(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<Attempt> {
  const loaded = await loadNativePackage(pkg);
  if (!loaded.ok) return loaded;
  if (!(await tf.setBackend('tensorflow')))
    return { ok: false, why: `${pkg} loaded but the 'tensorflow' backend failed to initialise` };
  const gpuBuild = pkg === '@tensorflow/tfjs-node-gpu';
  return {
    ok: true,
    description: {
      reason: `libtensorflow through ${pkg}${gpuBuild ? ' (CUDA when a GPU with CUDA 11.2 / cuDNN 8.1 is present, else CPU)' : ''}`,
      threads: 0,
      gpuBuild,
    },
  };
}

async function tryWebgpu(explicit: boolean): Promise<Attempt> {
  // The automatic choice skips Dawn where it could only fail noisily (see vulkan-drivers.ts).
  if (!explicit && !vulkanDriverPresent()) {
    return { ok: false, why: 'no Vulkan driver is installed (no driver manifest in vulkan/icd.d)' };
  }
  // Loaded on demand: tfjs-backend-webgpu takes ~0.2 s to import, Dawn more to start.
  const { startWebgpu } = await import('./webgpu/init-webgpu.js');
  const started = await startWebgpu({ allowSoftware: explicit });
  if (!started.ok) return { ok: false, why: started.why };
  return {
    ok: true,
    description: {
      reason: `tfjs-backend-webgpu on Dawn, adapter ${adapterLabel(started.adapter)}`,
      threads: 0,
      adapter: started.adapter,
    },
  };
}

async function tryWasm(threads: number): Promise<Attempt> {
  try {
    if (threads > 1) await initThreadedWasm(threads);
    else if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'tfjs-backend-wasm failed to initialise' };
  } catch (error) {
    return {
      ok: false,
      why: `tfjs-backend-wasm failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return {
    ok: true,
    description: {
      reason: `tfjs-backend-wasm (XNNPACK${simd ? ', SIMD' : ''}, ${getThreadsCount()} thread(s))`,
      threads: getThreadsCount(),
      simd,
    },
  };
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, why: 'tfjs-backend-cpu failed to initialise' };
  silenceTfjsNodeBanner();
  return { ok: true, description: { reason: 'tfjs-backend-cpu (plain JavaScript, ~1 GFLOP/s)', threads: 1 } };
}

/**
 * tfjs-backend-cpu prints a multi-line "install tfjs-node" banner on first use; initBackend
 * already logs why the native backend is not in use, in one line.
 */
function silenceTfjsNodeBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}

const HOW_TO_FIX: Record<BackendName, string> = {
  tensorflow:
    'run `pnpm gpu:setup` (downloads libtensorflow for @tensorflow/tfjs-node-gpu), or add @tensorflow/tfjs-node, or choose --backend wasm',
  webgpu:
    "install a Vulkan driver (your GPU vendor's, or Mesa's software one: mesa-vulkan-drivers from bookworm-backports, see the @apdet/backend README), or choose --backend wasm",
  wasm: 'check that @tensorflow/tfjs-backend-wasm is installed and its .wasm files are in its dist/, or choose --backend cpu',
  cpu: 'reinstall @tensorflow/tfjs',
};

function validateBackend(options: InitBackendOptions): void {
  if (options.backend !== undefined && !BACKEND_NAMES.includes(options.backend)) {
    throw new UserError(
      `initBackend: unknown backend '${String(options.backend)}'; choose one of ${BACKEND_NAMES.join(', ')}`,
    );
  }
}

function validateThreads(options: InitBackendOptions): number {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new UserError(`initBackend: threads must be an integer from 1 to 8, got ${String(options.threads)}`);
  }
  if (threads > 1 && options.backend !== undefined && options.backend !== 'wasm') {
    throw new UserError(`initBackend: threads=${threads} applies to the wasm backend only, not '${options.backend}'`);
  }
  return threads;
}

/**
 * Selects and initialises the tfjs backend, registers the training kernels
 * (registerTrainingKernels) and logs one line per backend considered.
 *
 * Default order: `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`, webgpu on a hardware
 * adapter (a software adapter such as lavapipe is slower than wasm, so only an explicit
 * `backend: 'webgpu'` takes it), wasm, cpu. An explicit `backend` that cannot load throws a
 * UserError saying how to fix it. Call it once, before creating tensors.
 *
 * @example
 * const info = await initBackend({ backend: 'wasm', threads: 2 });
 * // [apdet/backend] using wasm: tfjs-backend-wasm (XNNPACK, SIMD, 2 thread(s))
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendDescription> {
  const log = options.log === false ? () => {} : (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)));
  validateBackend(options);
  const threads = validateThreads(options);
  registerTrainingKernels();
  const candidates: { name: BackendName; label: string; attempt: () => Promise<Attempt> }[] = [
    { name: 'tensorflow', label: 'tensorflow (gpu build)', attempt: () => tryTensorflow('@tensorflow/tfjs-node-gpu') },
    { name: 'tensorflow', label: 'tensorflow (cpu build)', attempt: () => tryTensorflow('@tensorflow/tfjs-node') },
    { name: 'webgpu', label: 'webgpu', attempt: () => tryWebgpu(options.backend === 'webgpu') },
    { name: 'wasm', label: 'wasm', attempt: () => tryWasm(threads) },
    { name: 'cpu', label: 'cpu', attempt: tryCpu },
  ];
  const chosen = options.backend === undefined ? candidates : candidates.filter((c) => c.name === options.backend);
  const skipped: BackendDescription['skipped'] = [];
  for (const c of chosen) {
    const result = await c.attempt();
    if (result.ok) {
      await tf.ready();
      log(`[apdet/backend] using ${c.name}: ${result.description.reason}`);
      return { name: c.name, ...result.description, skipped };
    }
    skipped.push({ name: c.label, why: result.why });
    log(`[apdet/backend] not using ${c.label}: ${result.why}`);
  }
  if (options.backend !== undefined) {
    const whys = skipped.map((s) => s.why).join('; ');
    throw new UserError(
      `backend '${options.backend}' is not available: ${whys}. To fix: ${HOW_TO_FIX[options.backend]}`,
    );
  }
  throw new Error(`no tfjs backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}
