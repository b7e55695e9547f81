/**
 * Loading the native TensorFlow backend (libtensorflow through a Node addon).
 *
 * Both packages register the 'tensorflow' backend on import. Neither is a hard dependency:
 * `@tensorflow/tfjs-node-gpu` is optional and its install script (the libtensorflow download)
 * is refused by pnpm-workspace.yaml, so without `pnpm gpu:setup` it is present but has no
 * binding; `@tensorflow/tfjs-node` is not a dependency at all (a user may add it).
 */

/** Why a native package could not be loaded, in one line, with the fix. */
export interface NativeLoadFailure {
  readonly ok: false;
  readonly why: string;
}

export interface NativeLoadSuccess {
  readonly ok: true;
}

const FIXES: Record<string, { missing: string; broken: string }> = {
  '@tensorflow/tfjs-node-gpu': {
    missing: 'not installed (it is an optional dependency of @apdet/backend; run `pnpm install`)',
    broken:
      'installed but its native binding is missing (run `pnpm gpu:setup`; needs CUDA 11.2 + cuDNN 8.1 for the GPU)',
  },
  '@tensorflow/tfjs-node': {
    missing:
      'not installed (optional; `pnpm add @tensorflow/tfjs-node@4.22.0` in your app for the CPU build of libtensorflow)',
    broken: 'installed but its native binding failed to load (reinstall it with its install script allowed)',
  },
};

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  // A missing module INSIDE the package (e.g. its binding) is "broken", not "missing".
  return typeof e.message === 'string' && e.message.includes(`'${specifier}'`);
}

/** Imports a native tfjs package; never throws. */
export async function loadNativePackage(
  specifier: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node',
): Promise<NativeLoadSuccess | NativeLoadFailure> {
  const fix = FIXES[specifier];
  try {
    // A variable specifier keeps TypeScript from requiring the (possibly absent) package's types.
    const name: string = specifier;
    await import(name);
    return { ok: true };
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return { ok: false, why: `${specifier} is ${fix.missing}` };
    const message = error instanceof Error ? error.message : String(error);
    // The usual case (binding never downloaded) needs no detail; anything else does.
    if (message.includes('tfjs_binding.node')) return { ok: false, why: `${specifier} is ${fix.broken}` };
    return { ok: false, why: `${specifier} is ${fix.broken}: ${message.split('\n')[0].slice(0, 200)}` };
  }
}
