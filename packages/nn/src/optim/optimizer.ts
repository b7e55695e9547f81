import * as tf from '@tensorflow/tfjs';
import { UserError } from '@apdet/io';
import type { ParamGroup } from './param-groups.js';

/** Serialisable optimiser state: named tensors (slots) and JSON scalars. */
export interface OptimizerState {
  tensors: Map<string, tf.Tensor>;
  scalars: Record<string, unknown>;
}

/**
 * Base of the optimisers: holds parameter groups and per-parameter slots (tf.Variables named
 * `<param>.<slot>`), and implements state save/restore so a resumed run continues exactly.
 * `step(grads, lr)` updates every parameter that has a gradient; `lr` is the scheduled rate,
 * multiplied by each group's `lrMult`.
 */
export abstract class Optimizer {
  protected readonly slots = new Map<string, tf.Variable>();
  /** Per-parameter step counts (PyTorch keeps `state[p]['step']` per parameter). */
  protected readonly steps = new Map<string, number>();

  constructor(
    readonly groups: ParamGroup[],
    readonly kind: string,
  ) {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const [name] of g.params) {
        if (seen.has(name)) throw new Error(`parameter "${name}" is in two optimiser groups`);
        seen.add(name);
      }
    }
  }

  /**
   * Applies one update. Gradients are keyed by parameter name (see `valueAndGrads`).
   * `options.gradScale`, a device scalar, multiplies every gradient first (global-norm clipping
   * without reading the norm back, see {@link gradNormClipScale}); a scale of exactly 1 leaves
   * the gradients bit for bit as they are.
   */
  step(grads: Map<string, tf.Tensor>, lr: number, options: { gradScale?: tf.Scalar } = {}): void {
    const scale = options.gradScale;
    for (const group of this.groups) {
      const groupLr = lr * group.lrMult;
      for (const [name, p] of group.params) {
        const g = grads.get(name);
        if (!g) continue;
        const count = (this.steps.get(name) ?? 0) + 1;
        this.steps.set(name, count);
        tf.tidy(() => this.update(name, p.variable, scale ? tf.mul(g, scale) : g, groupLr, group.weightDecay, count));
      }
    }
  }

  protected abstract update(
    name: string,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: number,
    weightDecay: number,
    step: number,
  ): void;

  /** The slot `<name>.<slot>`, created as zeros on first use. */
  protected slot(name: string, slot: string, like: tf.Tensor): tf.Variable {
    const key = `${name}.${slot}`;
    let v = this.slots.get(key);
    if (!v) this.slots.set(key, (v = tf.variable(tf.zerosLike(like), false)));
    return v;
  }

  /** Hyper-parameters that must match when restoring (subclasses add theirs). */
  protected abstract hyperParameters(): Record<string, unknown>;

  state(): OptimizerState {
    return {
      tensors: new Map(this.slots),
      scalars: { kind: this.kind, hyper: this.hyperParameters(), steps: Object.fromEntries(this.steps) },
    };
  }

  /** Restores {@link state} output; the kind must match and every slot must fit its parameter. */
  loadState(state: OptimizerState, source = 'checkpoint'): void {
    if (state.scalars.kind !== this.kind) {
      throw new UserError(`${source}: optimiser state is for ${String(state.scalars.kind)}, not ${this.kind}`);
    }
    const shapes = new Map<string, number[]>();
    for (const g of this.groups) for (const [name, p] of g.params) shapes.set(name, p.shape);
    for (const [key, value] of state.tensors) {
      const paramName = key.slice(0, key.lastIndexOf('.'));
      const shape = shapes.get(paramName);
      if (!shape) throw new UserError(`${source}: optimiser slot "${key}" belongs to no optimised parameter`);
      if (shape.join(',') !== value.shape.join(',')) {
        throw new UserError(
          `${source}: optimiser slot "${key}" has shape [${value.shape.join(', ')}], parameter needs [${shape.join(', ')}]`,
        );
      }
    }
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
    for (const [key, value] of state.tensors) this.slots.set(key, tf.variable(value, false));
    this.steps.clear();
    for (const [name, n] of Object.entries((state.scalars.steps ?? {}) as Record<string, number>))
      this.steps.set(name, n);
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}
