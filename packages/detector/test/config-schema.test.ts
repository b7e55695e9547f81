// The shared config part of @apdet/detector: field schemas, their messages and formatSchemaError.
import { isUserError } from '@apdet/io';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BACKBONE_CONFIG_SCHEMA,
  DETECTOR_CONFIG_BASE_SCHEMA,
  TRAIN_CONFIG_SCHEMA,
  formatSchemaError,
  listSchema,
  numberSchema,
  oneOfSchema,
  parseWithSchema,
  sectionSchema,
  textSchema,
  tupleSchema,
} from '../src/config/index.js';
import { BASE } from './config-fixture.js';

/** Runs `f`, expects a UserError, returns its message. */
function userErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

/** The message of the first issue of a plain `safeParse` (no error map). */
function plainMessage(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? '' : result.error.issues[0].message;
}

describe('field schemas', () => {
  it('state what they accept, even without the error map', () => {
    expect(plainMessage(numberSchema(1, { integer: true }), 0)).toBe('expected an integer ≥ 1, got 0');
    expect(plainMessage(numberSchema(1, { integer: true }), 2.5)).toBe('expected an integer ≥ 1, got 2.5');
    expect(plainMessage(numberSchema(0, { minExclusive: true, max: 4 }), 5)).toBe(
      'expected a number > 0 and ≤ 4, got 5',
    );
    expect(plainMessage(numberSchema(0), Number.NaN)).toBe('expected a number ≥ 0, got NaN');
    expect(plainMessage(numberSchema(0), '1')).toBe("expected a number ≥ 0, got '1'");
    expect(plainMessage(oneOfSchema([18, 34]), 42)).toBe('expected one of 18, 34, got 42');
    expect(plainMessage(oneOfSchema(['sgd', 'adamw']), 'sgdm')).toBe("expected one of 'sgd', 'adamw', got 'sgdm'");
    expect(plainMessage(textSchema(), '')).toBe("expected a non-empty string, got ''");
    expect(plainMessage(listSchema(numberSchema(0)), [])).toBe('expected at least 1 item(s), got 0');
    expect(plainMessage(listSchema(numberSchema(0)), 'a')).toBe("expected an array, got 'a'");
    expect(plainMessage(tupleSchema(numberSchema(0), 2), [1])).toBe('expected 2 items, got 1');
    expect(plainMessage(tupleSchema(numberSchema(0), 2), [1, 2, 3])).toBe('expected 2 items, got 3');
  });

  it('sections list their fields when the value is not an object or has unknown fields', () => {
    const section = sectionSchema({ a: numberSchema(0), b: textSchema() });
    expect(plainMessage(section, 3)).toBe('expected an object with fields a, b, got 3');
    expect(plainMessage(section, { a: 1, b: 'x', c: 2 })).toBe("unknown field 'c'; valid fields: a, b");
    expect(plainMessage(section.extend({ d: numberSchema(0) }), { a: 1, b: 'x', d: 0, e: 1 })).toBe(
      "unknown field 'e'; valid fields: a, b, d",
    );
  });

  it('the shared sections accept a complete config and infer its types', () => {
    expect(DETECTOR_CONFIG_BASE_SCHEMA.parse(BASE)).toEqual(BASE);
    expect(BACKBONE_CONFIG_SCHEMA.parse(BASE.backbone)).toEqual(BASE.backbone);
    expect(TRAIN_CONFIG_SCHEMA.parse(BASE.train)).toEqual(BASE.train);
    expect(Object.keys(DETECTOR_CONFIG_BASE_SCHEMA.shape)).toEqual([
      'name',
      'numClasses',
      'inputSize',
      'backbone',
      'train',
    ]);
  });
});

describe('formatSchemaError / parseWithSchema', () => {
  it('gives one line <source>: <path>: <problem> for the first issue', () => {
    const bad = { ...BASE, train: { ...BASE.train, lr: -1, epochs: 0 } };
    const result = DETECTOR_CONFIG_BASE_SCHEMA.safeParse(bad);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(formatSchemaError(result.error, 'my.json')).toBe('my.json: train.lr: expected a number > 0, got -1');
    }
    const inputSize = { ...BASE, inputSize: [0, 64] };
    expect(userErrorOf(() => parseWithSchema(DETECTOR_CONFIG_BASE_SCHEMA, inputSize, 'f'))).toBe(
      'f: inputSize[0]: expected an integer ≥ 1, got 0',
    );
    const blocks = { ...BASE, backbone: { ...BASE.backbone, blocks: 'x' } };
    expect(userErrorOf(() => parseWithSchema(DETECTOR_CONFIG_BASE_SCHEMA, blocks, 'f'))).toBe(
      "f: backbone.blocks: expected an array, got 'x'",
    );
  });

  it('renders plain zod schemas readably through the error map', () => {
    const schema = z.strictObject({
      n: z.number().int().min(1),
      kind: z.enum(['a', 'b']),
      s: z.union([z.string(), z.number()]),
    });
    const ok = { n: 1, kind: 'a', s: 'x' };
    expect(userErrorOf(() => parseWithSchema(schema, { ...ok, n: 0 }, 'src'))).toBe(
      'src: n: expected a number ≥ 1, got 0',
    );
    expect(userErrorOf(() => parseWithSchema(schema, { ...ok, n: 1.5 }, 'src'))).toBe(
      'src: n: expected an integer, got 1.5',
    );
    expect(userErrorOf(() => parseWithSchema(schema, { ...ok, kind: 'c' }, 'src'))).toBe(
      "src: kind: expected one of 'a', 'b', got 'c'",
    );
    expect(userErrorOf(() => parseWithSchema(schema, { ...ok, s: true }, 'src'))).toBe(
      'src: s: expected a string or a number, got true',
    );
    expect(userErrorOf(() => parseWithSchema(schema, { kind: 'a', s: 'x' }, 'src'))).toBe(
      'src: n: missing; expected a number',
    );
    expect(userErrorOf(() => parseWithSchema(schema, { ...ok, x: 1 }, 'src'))).toBe(
      "src: unknown field 'x'; valid fields: n, kind, s",
    );
    expect(userErrorOf(() => parseWithSchema(schema, null, 'src'))).toBe('src: expected an object, got null');
  });
});
