/**
 * Environment hints that pin one proxy training to one compute thread. Runners put several
 * trainings side by side on a machine, so each should use one core; oversubscribing cores makes
 * every training slower than running them one after another. The task decides how many threads
 * it really uses (tfjs-wasm is single-threaded in Node anyway); these variables are the usual
 * knobs of native math libraries plus `APDET_THREADS`, which apdet's own tasks read.
 */
export const SINGLE_THREAD_ENV: Readonly<Record<string, string>> = {
  APDET_THREADS: '1',
  OMP_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  TF_NUM_INTRAOP_THREADS: '1',
  TF_NUM_INTEROP_THREADS: '1',
};
