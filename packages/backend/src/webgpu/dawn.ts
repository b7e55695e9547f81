/**
 * Dawn (Chromium's WebGPU implementation) in Node, through the npm package `webgpu`: the ONE
 * place where the WebGPU globals and `navigator.gpu` are set up (docs/spec/platform.md §7).
 *
 * `webgpu` is an optional dependency of @apdet/backend (prebuilt `dawn.node` for linux-x64,
 * linux-arm64, darwin and win32; nothing is downloaded at install). It provides `create(flags)`,
 * which returns a `GPU` (what browsers expose as `navigator.gpu`), and `globals`, the WebGPU
 * constructors and constants (`GPUBufferUsage`, `GPUMapMode`, …) that tfjs-backend-webgpu reads
 * as globals.
 */
import { installDawnTickRecorder } from './dawn-ticks.js';
import type { GpuLike } from './gpu-types.js';

export type DawnLoad = { readonly ok: true; readonly gpu: GpuLike } | { readonly ok: false; readonly why: string };

interface WebgpuModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

const LOADED_KEY = Symbol.for('@apdet/backend.dawn');

function loaded(): DawnLoad | undefined {
  return (globalThis as unknown as Record<symbol, DawnLoad | undefined>)[LOADED_KEY];
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  return typeof e.message === 'string' && e.message.includes(`'${specifier}'`);
}

async function importWebgpu(): Promise<WebgpuModule | string> {
  try {
    // A variable specifier: the package is optional, so TypeScript must not require its types.
    const name: string = 'webgpu';
    return (await import(name)) as WebgpuModule;
  } catch (error) {
    if (isModuleNotFound(error, 'webgpu')) {
      return 'the `webgpu` package (Dawn for Node) is not installed (an optional dependency of @apdet/backend; run `pnpm install`)';
    }
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `the \`webgpu\` package (Dawn for Node) failed to load: ${message.slice(0, 200)}`;
  }
}

/** Makes `gpu` reachable as `navigator.gpu` (Node 20 has no `navigator`; Node ≥ 21 has one without `gpu`). */
function setNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as unknown as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/**
 * Loads Dawn once per process: records Dawn's event callbacks (./dawn-ticks.ts; before Dawn
 * exists), defines the WebGPU globals that are missing, creates the `GPU` object and sets
 * `navigator.gpu`. Never throws: a failure says why in one line.
 *
 * @param flags Dawn's `create` options, e.g. `['backend=vulkan']` or `['adapter=<name>']`
 *   (used on the first call only).
 */
export async function loadDawn(flags: readonly string[] = []): Promise<DawnLoad> {
  const previous = loaded();
  if (previous !== undefined) return previous;
  const mod = await importWebgpu();
  let result: DawnLoad;
  if (typeof mod === 'string') {
    result = { ok: false, why: mod };
  } else {
    installDawnTickRecorder();
    for (const [name, value] of Object.entries(mod.globals)) {
      if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
    try {
      const gpu = mod.create([...flags]);
      setNavigatorGpu(gpu);
      result = { ok: true, gpu };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      result = { ok: false, why: `Dawn could not start: ${message.slice(0, 200)}` };
    }
  }
  (globalThis as unknown as Record<symbol, DawnLoad>)[LOADED_KEY] = result;
  return result;
}
