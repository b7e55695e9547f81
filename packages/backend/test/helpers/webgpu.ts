/**
 * Whether this test process can run webgpu cases, and the skip policy: where Dawn finds no
 * adapter at all, the webgpu suites are skipped with ONE line (the skipped suite's name says
 * why); under CI=true that is a failure instead, because CI must have a Vulkan device
 * (`.ci/run` installs Mesa's software one).
 */
import { describe, it } from 'vitest';
import { runningInCi, webgpuForTests } from '../../src/testing.js';

/**
 * Returns true when the webgpu suites should run. Otherwise registers either a skipped suite
 * named after the reason, or (in CI) a failing test, and returns false.
 */
export async function webgpuSuitesRun(what: string): Promise<boolean> {
  const gpu = await webgpuForTests();
  if (gpu.ok) return true;
  if (runningInCi()) {
    describe(what, () => {
      it('has a WebGPU adapter (CI must have a Vulkan device)', () => {
        throw new Error(`webgpu is not available in CI: ${gpu.why}`);
      });
    });
  } else {
    console.warn(`${what}: skipped, no WebGPU here (${gpu.why})`);
    describe.skip(`${what}: skipped, no WebGPU here (${gpu.why})`, () => {
      it('needs a WebGPU adapter', () => {});
    });
  }
  return false;
}
