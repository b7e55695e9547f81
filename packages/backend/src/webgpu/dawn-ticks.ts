/**
 * Synchronous completion of Dawn's asynchronous work in Node: what lets `dataSync()` read a
 * webgpu tensor here.
 *
 * Why: tfjs-backend-webgpu 4.22's `readSync` reads through an `OffscreenCanvas` (a browser
 * object; in Node it throws "OffscreenCanvas is not defined"), and every host-side part of
 * apdet that runs inside the gradient tape (the PAP loss, NMS, the RoIAlign and MSDA sampling
 * plans, matching) reads synchronously. A buffer's `mapAsync` completes when Dawn's
 * `wgpuInstanceProcessEvents` runs, and Dawn's Node binding runs it from a callback that it
 * hands to `globalThis.setImmediate`, looked up at each call (dawn `src/dawn/node/binding/
 * AsyncRunner.cpp`, `ScheduleProcessEvents`). The map callback sets the buffer's native
 * "mapped" state before any promise settles (`GPUBuffer.cpp`, `mapAsync`). So, with the
 * `setImmediate` that Dawn sees wrapped to record its callbacks, a synchronous read can call
 * the pending callback itself until `buffer.mapState` is `'mapped'`, then `getMappedRange()`.
 * Measured here (docs/spec/platform.md §7): 4 MiB read back in 17 ms on lavapipe.
 *
 * The wrapper must be installed before Dawn's first `setImmediate` call (before `create()`):
 * the callback chain, once started, reschedules itself through whatever `setImmediate` was in
 * place when it last ran. It only records native, unnamed callbacks (Dawn's `Napi::Function`);
 * every other caller goes straight to Node's `setImmediate`, and a recorded callback that was
 * already run early does nothing when its real turn comes.
 */

interface PendingTick {
  run: () => void;
  done: boolean;
}

const STATE_KEY = Symbol.for('@apdet/backend.dawnTicks');

interface TickState {
  pending: Set<PendingTick>;
}

function state(): TickState | undefined {
  return (globalThis as unknown as Record<symbol, TickState | undefined>)[STATE_KEY];
}

/** Dawn's callbacks are N-API functions: native code, no name (a bound function is "bound …"). */
function isDawnCallback(fn: unknown): fn is () => void {
  return typeof fn === 'function' && fn.name === '' && Function.prototype.toString.call(fn).includes('[native code]');
}

/** Installs the recording `setImmediate` once per process (idempotent). */
export function installDawnTickRecorder(): void {
  if (state() !== undefined) return;
  const pending = new Set<PendingTick>();
  const nodeSetImmediate = globalThis.setImmediate;
  const recording = function setImmediate(callback: unknown, ...args: unknown[]) {
    if (!isDawnCallback(callback))
      return (nodeSetImmediate as (...a: unknown[]) => NodeJS.Immediate)(callback, ...args);
    const tick: PendingTick = { run: callback, done: false };
    pending.add(tick);
    return nodeSetImmediate(() => runTick(pending, tick));
  };
  // Keep util.promisify(setImmediate) and any other own properties working.
  Object.assign(recording, nodeSetImmediate);
  globalThis.setImmediate = recording as typeof globalThis.setImmediate;
  (globalThis as unknown as Record<symbol, TickState>)[STATE_KEY] = { pending };
}

function runTick(pending: Set<PendingTick>, tick: PendingTick): void {
  if (tick.done) return;
  tick.done = true;
  pending.delete(tick);
  tick.run();
}

/** Runs every Dawn callback pending now (each processes Dawn's events, then reschedules). */
function runPendingTicks(): number {
  const s = state();
  if (s === undefined) throw new Error('dawn-ticks: installDawnTickRecorder() must run before Dawn is created');
  const ticks = [...s.pending];
  for (const tick of ticks) runTick(s.pending, tick);
  return ticks.length;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Processes Dawn's events until `done()` holds, sleeping between rounds (20 µs at first, then
 * doubling to 2 ms, so a long GPU step does not spin a CPU core that a software driver needs).
 * `failed()` ends the wait early with an error. Throws after `timeoutMs`.
 */
export function processDawnEventsUntil(
  done: () => boolean,
  failed: () => string | null,
  timeoutMs: number,
  what: string,
): void {
  const start = performance.now();
  let sleepMs = 0.02;
  for (;;) {
    runPendingTicks();
    if (done()) return;
    const failure = failed();
    if (failure !== null) throw new Error(`${what}: ${failure}`);
    if (performance.now() - start > timeoutMs) {
      throw new Error(`${what}: the GPU did not finish within ${Math.round(timeoutMs / 1000)} s`);
    }
    Atomics.wait(sleeper, 0, 0, sleepMs);
    sleepMs = Math.min(2, sleepMs * 2);
  }
}
