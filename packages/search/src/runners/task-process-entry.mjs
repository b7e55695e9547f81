// Entry point of a task process. It is plain JavaScript so that Node can start it without a
// loader flag; it installs tsx's loader, so the task module and the rest may be TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./task-process-main.ts');
