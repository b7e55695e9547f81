import type { Module, Parameter } from '../module.js';

/** A set of parameters sharing an lr multiplier and a weight decay. */
export interface ParamGroup {
  params: Array<[string, Parameter]>;
  /** Multiplies the scheduled learning rate (e.g. 0.1 for a pretrained backbone). Default 1. */
  lrMult: number;
  weightDecay: number;
}

/** A rule assigning parameters (by dotted name, first match wins) to a group's settings. */
export interface GroupRule {
  match: RegExp | ((name: string, param: Parameter) => boolean);
  lrMult?: number;
  /** Overrides the default weight decay for matching parameters. */
  weightDecay?: number;
}

export interface ParamGroupOptions {
  weightDecay: number;
  rules?: GroupRule[];
  /** No weight decay on biases and norm scale/shift (unless a rule sets it). Default false, as torch. */
  noDecayOnNormAndBias?: boolean;
}

/**
 * Splits a module's trainable parameters into groups, e.g.
 * `paramGroups(model, { weightDecay: 1e-4, rules: [{ match: /^backbone\./, lrMult: 0.1 }] })`.
 * Parameters keep the module's stable order inside each group.
 */
export function paramGroups(module: Module, options: ParamGroupOptions): ParamGroup[] {
  const groups = new Map<string, ParamGroup>();
  for (const [name, p] of module.trainableParameters()) {
    const rule = options.rules?.find((r) => (r.match instanceof RegExp ? r.match.test(name) : r.match(name, p)));
    const lrMult = rule?.lrMult ?? 1;
    const noDecay = options.noDecayOnNormAndBias && (p.role === 'bias' || p.role === 'norm');
    const weightDecay = rule?.weightDecay ?? (noDecay ? 0 : options.weightDecay);
    const key = `${lrMult}/${weightDecay}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { params: [], lrMult, weightDecay }));
    group.params.push([name, p]);
  }
  return [...groups.values()];
}

/** One group with every trainable parameter of `module`. */
export function singleGroup(module: Module, weightDecay = 0): ParamGroup[] {
  return [{ params: module.trainableParameters(), lrMult: 1, weightDecay }];
}
