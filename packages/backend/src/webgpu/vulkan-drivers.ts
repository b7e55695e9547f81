/**
 * Whether a Linux machine has any Vulkan driver, known without loading Dawn.
 *
 * Why: on Linux Dawn reaches the GPU through Vulkan, and where no driver is installed it prints
 * three lines of warnings to stderr from native code ("vkCreateInstance: Found no drivers!")
 * before reporting no adapter. The automatic backend choice would print them on every start of
 * every CPU-only machine, so it first looks for a driver manifest (ICD JSON file) where the
 * Vulkan loader looks for them (Khronos Vulkan-Loader, docs/LoaderDriverInterface.md, "Driver
 * Discovery on Linux"): the `VK_DRIVER_FILES` / `VK_ICD_FILENAMES` / `VK_ADD_DRIVER_FILES`
 * variables, then `vulkan/icd.d` under the XDG config and data directories and `/etc`.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function listed(variable: string | undefined): string[] {
  return (variable ?? '').split(path.delimiter).filter((p) => p !== '');
}

function hasJson(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith('.json'));
  } catch {
    return false;
  }
}

/**
 * On Linux: true when a Vulkan driver manifest exists (a file named by the loader's variables,
 * or a `*.json` in one of its search folders). Elsewhere (Dawn uses Metal or Direct3D): true.
 */
export function vulkanDriverPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const named = [...listed(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES), ...listed(env.VK_ADD_DRIVER_FILES)];
  if (named.some((p) => (p.endsWith('.json') ? existsSync(p) : hasJson(p)))) return true;
  if (env.VK_DRIVER_FILES !== undefined || env.VK_ICD_FILENAMES !== undefined) return false; // they replace the search
  const home = os.homedir();
  const configDirs = [env.XDG_CONFIG_HOME ?? path.join(home, '.config'), ...listed(env.XDG_CONFIG_DIRS ?? '/etc/xdg')];
  const dataDirs = [
    env.XDG_DATA_HOME ?? path.join(home, '.local/share'),
    ...listed(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share'),
  ];
  return [...configDirs, '/etc', ...dataDirs].some((dir) => hasJson(path.join(dir, 'vulkan', 'icd.d')));
}
