// Worker-thread entry, plain JavaScript so Node starts it without a loader flag. Beside the
// TypeScript sources (the workspace) it registers tsx's loader in this thread first; in the
// built dist/ it loads the compiled module.
import { existsSync } from 'node:fs';

const source = new URL('./transform-worker.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('./transform-worker.js', import.meta.url).href);
}
