// The proxy task's schema: what a proxy job's `task` must hold, and the one-line errors.
import { isUserError } from '@apdet/io';
import { describe, expect, it } from 'vitest';
import { PROXY_TASK_SCHEMA, parseProxyTask, type ProxyTaskSettings } from '../src/task-schema.js';

const TASK: ProxyTaskSettings = {
  detector: 'retinanet',
  split: { sourceDir: 'data/shapes', builtInShapes: true, ratio: 0.8, seed: 0, dir: 'data/shapes-proxy-s0-r0.8' },
  trainImages: 1600,
  valImages: 200,
  epochs: 1,
  config: { base: 'retinanet-tiny', train: { lr: 0.002 } },
  backend: 'wasm',
};

function userErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('PROXY_TASK_SCHEMA', () => {
  it('accepts the tasks the search writes, with any detector name and a preset name or object config', () => {
    expect(parseProxyTask(TASK, 'task.json')).toEqual(TASK);
    const other = { ...TASK, detector: 'faster-rcnn', config: 'faster-rcnn-tiny', init: '/ckpt/pretrain', maxSteps: 3 };
    expect(parseProxyTask(other, 'task.json')).toEqual(other);
    const { backend: _backend, ...noBackend } = TASK;
    expect(PROXY_TASK_SCHEMA.parse(noBackend)).toEqual(noBackend);
  });

  it('ignores unknown fields, as the worker always did', () => {
    expect(parseProxyTask({ ...TASK, note: 'x' }, 'task.json')).toEqual(TASK);
  });

  it('refuses bad values with one line naming the source and the field', () => {
    const bad = (change: Record<string, unknown>) =>
      userErrorOf(() => parseProxyTask({ ...TASK, ...change }, 'proxy job r2-s3', 'task'));
    expect(bad({ trainImages: 0 })).toBe('proxy job r2-s3: task.trainImages: expected a positive integer, got 0');
    expect(bad({ epochs: 1.5 })).toBe('proxy job r2-s3: task.epochs: expected a positive integer, got 1.5');
    expect(bad({ valImages: '200' })).toBe('proxy job r2-s3: task.valImages: expected a positive integer, got "200"');
    expect(bad({ detector: '' })).toBe('proxy job r2-s3: task.detector: expected a detector name, got ""');
    expect(bad({ detector: undefined })).toBe('proxy job r2-s3: task.detector: expected a detector name, got nothing');
    expect(bad({ split: undefined })).toMatch(
      /^proxy job r2-s3: task\.split: expected an object \{ sourceDir, .* got nothing$/,
    );
    expect(bad({ split: { ...TASK.split, dir: 3 } })).toBe('proxy job r2-s3: task.split.dir: expected a path, got 3');
    expect(bad({ config: null })).toBe(
      'proxy job r2-s3: task.config: expected a preset name or a config object, got null',
    );
    expect(bad({ config: [1] })).toBe(
      'proxy job r2-s3: task.config: expected a preset name or a config object, got [1]',
    );
    expect(bad({ backend: 'webgl' })).toBe(
      `proxy job r2-s3: task.backend: expected 'tensorflow', 'webgpu', 'wasm' or 'cpu', got "webgl"`,
    );
    expect(bad({ init: 7 })).toBe('proxy job r2-s3: task.init: expected a path, got 7');
    expect(bad({ maxSteps: -1 })).toBe('proxy job r2-s3: task.maxSteps: expected a positive integer, got -1');
  });

  it('refuses a task that is not an object', () => {
    expect(userErrorOf(() => parseProxyTask(null, 'state.json: task'))).toBe(
      'state.json: task: expected an object of proxy task settings, got null',
    );
  });
});
