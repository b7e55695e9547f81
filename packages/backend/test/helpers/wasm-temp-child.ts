// Child process for wasm-threads-temp.test.ts: initialises 2-thread wasm (which writes its
// worker scripts to a temporary folder), prints "ready", and waits to be stopped.
import { initBackend } from '../../src/init-backend.js';

await initBackend({ backend: 'wasm', threads: 2, log: false });
setInterval(() => {}, 1000);
process.stdout.write('ready\n');
