// resolveConfig: a base config plus a partial override object, validated by a detector's schema.
import { isUserError } from '@apdet/io';
import { describe, expect, it } from 'vitest';
import {
  DETECTOR_CONFIG_BASE_SCHEMA,
  numberSchema,
  resolveConfig,
  sectionSchema,
  type ConfigOverrides,
} from '../src/config/index.js';
import { BASE } from './config-fixture.js';
import type { z } from 'zod';

/** A detector schema as a detector package declares one: the base plus a section and a cross-field check. */
const TOY_SCHEMA = DETECTOR_CONFIG_BASE_SCHEMA.extend({
  head: sectionSchema({ convs: numberSchema(0, { integer: true }), channels: numberSchema(1, { integer: true }) }),
}).superRefine((c, ctx) => {
  if (c.head.channels > c.inputSize[0]) {
    ctx.addIssue({ code: 'custom', path: ['head', 'channels'], message: 'must be ≤ the input height' });
  }
});
type ToyConfig = z.output<typeof TOY_SCHEMA>;

const TOY: ToyConfig = { ...BASE, head: { convs: 2, channels: 16 } };

function userErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('resolveConfig', () => {
  it('returns the base unchanged without overrides, as a copy', () => {
    for (const overrides of [undefined, null, {}]) {
      const c = resolveConfig(TOY_SCHEMA, TOY, overrides, 'flags');
      expect(c).toEqual(TOY);
      expect(c).not.toBe(TOY);
    }
  });

  it('merges sections field by field, replaces arrays and plain fields, leaves the base alone', () => {
    const overrides: ConfigOverrides<ToyConfig> = {
      head: { convs: 4 },
      train: { lrSteps: [1] },
      inputSize: [32, 32],
      name: 'x',
    };
    const c = resolveConfig(TOY_SCHEMA, TOY, overrides, 'flags');
    expect(c.head).toEqual({ convs: 4, channels: 16 });
    expect(c.train.lrSteps).toEqual([1]);
    expect(c.train.lr).toBe(BASE.train.lr);
    expect([c.inputSize, c.name]).toEqual([[32, 32], 'x']);
    expect(TOY.head.convs).toBe(2);
    expect(TOY.train.lrSteps).toEqual([]);
  });

  it('refuses unknown fields, naming them and listing the valid ones', () => {
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, { hed: {} }, 'my.json'))).toBe(
      "my.json: unknown config field 'hed'; valid fields: name, numClasses, inputSize, backbone, train, head",
    );
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, { head: { depth: 2 } }, 'my.json'))).toBe(
      "my.json: unknown config field 'head.depth'; valid fields: head.convs, head.channels",
    );
  });

  it('refuses a non-object override or section, invalid values and failed cross-field checks', () => {
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, [1], 'f'))).toBe(
      'f: expected an object of config fields, got [1]',
    );
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, { head: 3 }, 'f'))).toBe(
      'f: head: expected an object with fields convs, channels, got 3',
    );
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, { train: { optimizer: 'sgdm' } }, 'f'))).toBe(
      "f: train.optimizer: expected one of 'sgd', 'adamw', got 'sgdm'",
    );
    expect(userErrorOf(() => resolveConfig(TOY_SCHEMA, TOY, { head: { channels: 128 } }, 'f'))).toBe(
      'f: head.channels: must be ≤ the input height',
    );
  });
});
