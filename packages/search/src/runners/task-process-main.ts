/**
 * The body of a task process (started by {@link TaskProcess}): loads the task module named in
 * argv[2], then runs the jobs the parent sends, one at a time, sending progress and outcomes back
 * over the fork IPC channel.
 */
import type { ProxyProgress, RunProxyJob } from '../contract.js';
import { runTaskSafely } from './run-task-safely.js';
import { errorMessage, loadRunProxyJob } from './task-module.js';
import type { ChildMessage, RunMessage } from './task-process-messages.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

// Without a parent this process has no one to report to: exit rather than linger as an orphan.
process.on('disconnect', () => process.exit(0));

const modulePath = process.argv[2];
let runProxyJob: RunProxyJob;
try {
  if (modulePath === undefined) throw new Error('no task module path given');
  runProxyJob = await loadRunProxyJob(modulePath);
} catch (error) {
  await send({ type: 'fatal', message: errorMessage(error) });
  process.exit(1);
}

process.on('message', (message: RunMessage) => {
  if (message.type !== 'run') return;
  const onProgress = (progress: ProxyProgress) => void send({ type: 'progress', progress });
  void runTaskSafely(runProxyJob, message.job, onProgress).then((outcome) => send({ type: 'outcome', outcome }));
});
await send({ type: 'ready' });
