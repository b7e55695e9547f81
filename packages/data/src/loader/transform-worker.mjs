// Worker-thread entry: the sources are TypeScript, so register tsx's loader in this thread first.
import { register } from 'tsx/esm/api';

register();
await import('./transform-worker.ts');
