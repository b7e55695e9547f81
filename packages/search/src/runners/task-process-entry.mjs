// Entry point of a task process. It is plain JavaScript so that Node can start it without a
// loader flag; it installs tsx's loader, so the task module may be TypeScript. Beside the
// sources (the workspace) it runs task-process-main.ts; in the built dist/ the compiled .js.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const source = new URL('./task-process-main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('./task-process-main.js', import.meta.url).href);
