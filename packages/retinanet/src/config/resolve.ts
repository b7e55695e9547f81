/**
 * Config resolution: a named preset plus validated overrides (from a JSON file or CLI flags)
 * → a complete, checked {@link RetinaNetConfig}. Bad input throws a UserError naming the
 * source and the field.
 */
import { resolveConfig as resolveWithSchema, splitConfigJson } from '@apdet/detector';
import { UserError } from '@apdet/io';
import { RETINANET_CONFIGS } from './presets.js';
import { RETINANET_CONFIG_SCHEMA, fpnStrides, retinanetConfigProblem } from './schema.js';
import type { RetinaNetConfig } from './types.js';

export { fpnStrides };

/** The preset called `name` (a deep copy), or a UserError listing the valid names. */
export function getConfig(name: string): RetinaNetConfig {
  const preset = RETINANET_CONFIGS[name];
  if (!preset) {
    throw new UserError(
      `unknown RetinaNet config '${name}'; valid names: ${Object.keys(RETINANET_CONFIGS).join(', ')}`,
    );
  }
  return structuredClone(preset);
}

/**
 * Applies `overrides` (a partial config: sections are merged field by field, arrays replaced)
 * to `base` and validates the result with {@link RETINANET_CONFIG_SCHEMA}. Unknown fields, wrong
 * types and inconsistent settings throw a UserError `<source>: <field>: <problem>`.
 *
 * @example
 * const cfg = resolveConfig(getConfig('retinanet-tiny'), { train: { lr: 0.02 } }, '--lr');
 */
export function resolveConfig(base: RetinaNetConfig, overrides: unknown, source = 'config'): RetinaNetConfig {
  return resolveWithSchema(RETINANET_CONFIG_SCHEMA, base, overrides, source);
}

/**
 * A config from JSON: `{ "base": "<preset name>", ...overrides }` (base defaults to
 * `defaultBase`). This is the format of `--config <file>`.
 */
export function configFromJson(json: unknown, source: string, defaultBase = 'retinanet-tiny'): RetinaNetConfig {
  const { base, overrides } = splitConfigJson(json, source);
  return resolveConfig(getConfig(base ?? defaultBase), overrides, source);
}

/**
 * Cross-field checks of a complete config whose fields are each valid (the superRefine of
 * {@link RETINANET_CONFIG_SCHEMA}, for configs built in code); returns `c` itself.
 */
export function checkConfig(c: RetinaNetConfig, source = 'config'): RetinaNetConfig {
  const problem = retinanetConfigProblem(c);
  if (problem !== null) throw new UserError(`${source}: ${problem.path.join('.')}: ${problem.message}`);
  return c;
}
