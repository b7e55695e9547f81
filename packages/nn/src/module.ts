import * as tf from '@tensorflow/tfjs';

/**
 * How a parameter's array is laid out, so that importers from other frameworks know how to
 * convert it: conv kernels are HWIO here (tfjs NHWC) and OIHW in PyTorch, linear weights are
 * [in, out] here and [out, in] in PyTorch; everything else is stored as it is.
 */
export type ParamLayout = 'conv-hwio' | 'linear-io' | 'plain';

/**
 * What a parameter is, for optimiser rules such as "no weight decay on norm and bias".
 * `buffer` marks non-trainable state (BatchNorm running statistics): it is checkpointed but
 * never optimised.
 */
export type ParamRole = 'weight' | 'bias' | 'norm' | 'buffer';

/** A named tensor owned by a module: a tf.Variable plus the flags the training code needs. */
export class Parameter {
  /** Whether the optimiser may update it (false for frozen parameters and for buffers). */
  trainable: boolean;

  constructor(
    readonly variable: tf.Variable,
    readonly role: ParamRole,
    readonly layout: ParamLayout,
    trainable: boolean,
  ) {
    this.trainable = trainable && role !== 'buffer';
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get size(): number {
    return this.variable.size;
  }
}

/**
 * Base class of every layer and model: a tree of named children and parameters.
 *
 * Names are dotted paths built from the attribute names given to {@link Module.child} and
 * {@link Module.param}, as in PyTorch (`layer1.0.conv1.weight`), so checkpoint names are
 * stable and map one-to-one onto torchvision state dicts.
 */
export abstract class Module {
  private readonly ownParams = new Map<string, Parameter>();
  private readonly children = new Map<string, Module>();
  private trainingMode = true;

  /** True in training mode (BatchNorm uses batch statistics and updates its running ones). */
  get training(): boolean {
    return this.trainingMode;
  }

  /** Registers a child module under `name` and returns it (for `this.conv = this.child(...)`). */
  protected child<M extends Module>(name: string, module: M): M {
    assertName(name, this.children.has(name) || this.ownParams.has(name));
    this.children.set(name, module);
    return module;
  }

  /** Registers a parameter created from `initial` (which becomes owned by a new tf.Variable). */
  protected param(
    name: string,
    initial: tf.Tensor,
    options: { role: ParamRole; layout?: ParamLayout; trainable?: boolean },
  ): Parameter {
    assertName(name, this.children.has(name) || this.ownParams.has(name));
    const role = options.role;
    const trainable = options.trainable ?? role !== 'buffer';
    const variable = tf.variable(initial, trainable && role !== 'buffer');
    initial.dispose();
    const parameter = new Parameter(variable, role, options.layout ?? 'plain', trainable);
    this.ownParams.set(name, parameter);
    return parameter;
  }

  /** Direct children in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.children.entries()];
  }

  /** Every parameter and buffer below this module, keyed by its dotted name, in a stable order. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [name, p] of this.ownParams) out.push([prefix + name, p]);
    for (const [name, c] of this.children) out.push(...c.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** The parameters the optimiser should update (trainable, not buffers). */
  trainableParameters(): Array<[string, Parameter]> {
    return this.namedParameters().filter(([, p]) => p.trainable);
  }

  /** Looks a parameter up by its dotted name. */
  getParameter(name: string): Parameter {
    const found = this.namedParameters().find(([n]) => n === name);
    if (!found) throw new Error(`no parameter named "${name}" in ${this.constructor.name}`);
    return found[1];
  }

  /** Number of scalars in parameters (buffers excluded); `trainableOnly` counts only trainable ones. */
  countParameters(options: { trainableOnly?: boolean } = {}): number {
    let total = 0;
    for (const [, p] of this.namedParameters()) {
      if (p.role === 'buffer') continue;
      if (options.trainableOnly && !p.trainable) continue;
      total += p.size;
    }
    return total;
  }

  /** Sets training (true) or evaluation (false) mode on this module and all below it. */
  train(mode = true): this {
    this.trainingMode = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  /** Shorthand for `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Marks every parameter below this module frozen (`false`) or trainable again (`true`). */
  setTrainable(trainable: boolean): this {
    for (const [, p] of this.namedParameters()) {
      if (p.role === 'buffer') continue;
      p.trainable = trainable;
      p.variable.trainable = trainable;
    }
    return this;
  }

  /** Releases every variable below this module. */
  dispose(): void {
    for (const [, p] of this.namedParameters()) p.variable.dispose();
  }
}

function assertName(name: string, taken: boolean): void {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`invalid module/parameter name "${name}"`);
  if (taken) throw new Error(`name "${name}" is registered twice`);
}

/** A list of modules named `0`, `1`, … like torch.nn.Sequential; `forward` chains them. */
export class Sequential extends Module {
  readonly layers: Array<Module & { forward(x: tf.Tensor): tf.Tensor }>;

  constructor(layers: Array<Module & { forward(x: tf.Tensor): tf.Tensor }>) {
    super();
    this.layers = layers.map((layer, i) => this.child(String(i), layer));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }
}

/** A container naming its children `0`, `1`, … (torch.nn.ModuleList). */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[] = [];

  add<T extends M>(module: T): T {
    this.items.push(this.child(String(this.items.length), module));
    return module;
  }
}
