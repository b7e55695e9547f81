import { UserError } from '@apdet/io';
import { PAP_FUNCTION_ORDER, type HeadKind } from '@apdet/losses';

/** A searched function's name: the official order is H2, I2, I3, I1, H1 (docs/spec/paper-spec.md §4.3). */
export type PapFunctionName = (typeof PAP_FUNCTION_ORDER)[number];

/** One detector head whose loss is searched: its functions and one gradient scale. */
export interface SearchHead {
  /**
   * The `--loss-params` head these values go to (`heads.<kind>`), or null for "every head"
   * (top-level fields; a single-head detector such as RetinaNet).
   */
  kind: HeadKind | null;
  /** Searched functions, in the loss's row order (a prefix-compatible subset of H2, I2, I3, I1, H1). */
  functions: readonly PapFunctionName[];
}

/**
 * The θ layout of a search (docs/spec/paper-spec.md §4.3): `paramsPerFunction` numbers for every function of every
 * head in head order, then one grad-scale entry per head in head order. RetinaNet: 5 × 8 + 1 =
 * 41; Faster R-CNN: (5 + 5) × 8 + 2 = 82 (RPN functions, RoI functions, RPN scale, RoI scale).
 */
export interface SearchSpace {
  name: string;
  heads: readonly SearchHead[];
  /** θ numbers per function: 4, 8 (released configs) or 12 (2, 4 or 6 interior points). */
  paramsPerFunction: 4 | 8 | 12;
}

const ALL_FUNCTIONS: readonly PapFunctionName[] = PAP_FUNCTION_ORDER;

export const RETINANET_SPACE: SearchSpace = {
  name: 'retinanet',
  heads: [{ kind: null, functions: ALL_FUNCTIONS }],
  paramsPerFunction: 8,
};

export const FASTER_RCNN_SPACE: SearchSpace = {
  name: 'faster-rcnn',
  heads: [
    { kind: 'rpn', functions: ALL_FUNCTIONS },
    { kind: 'roi', functions: ALL_FUNCTIONS },
  ],
  paramsPerFunction: 8,
};

export const SEARCH_SPACES: Readonly<Record<string, SearchSpace>> = {
  retinanet: RETINANET_SPACE,
  'faster-rcnn': FASTER_RCNN_SPACE,
};

/**
 * The space of a detector's searched heads (`DetectorSpec.search.heads`): every function of
 * every head with 8 numbers each (2 interior points, as the released configs), then one gradient
 * scale per head. A single head's values go to the top-level `--loss-params` fields, several
 * heads' to `heads.<kind>`. For RetinaNet's one head this is {@link RETINANET_SPACE}.
 *
 * @example
 * const space = searchSpaceFor('faster-rcnn', ['rpn', 'roi']);   // 82 dims
 */
export function searchSpaceFor(name: string, heads: readonly HeadKind[]): SearchSpace {
  if (heads.length === 0) throw new UserError(`search space '${name}': a detector without searched heads`);
  const kinds = heads.length === 1 ? [null] : heads;
  return { name, heads: kinds.map((kind) => ({ kind, functions: ALL_FUNCTIONS })), paramsPerFunction: 8 };
}

/** A built-in space by name; the error lists the names. */
export function getSearchSpace(name: string): SearchSpace {
  const space = SEARCH_SPACES[name];
  if (space === undefined)
    throw new UserError(`unknown search space '${name}'; expected one of: ${Object.keys(SEARCH_SPACES).join(', ')}`);
  return space;
}

/** Where each head's values live in θ. */
export interface HeadSlice {
  head: SearchHead;
  /** Start of each function's `paramsPerFunction` numbers. */
  functionOffsets: number[];
  /** Index of the head's grad-scale entry. */
  gradScaleIndex: number;
}

/** The θ index layout of a space (see {@link SearchSpace}). */
export function spaceLayout(space: SearchSpace): { dims: number; heads: HeadSlice[] } {
  const functionCount = space.heads.reduce((n, h) => n + h.functions.length, 0);
  let offset = 0;
  const heads = space.heads.map((head, h) => {
    const functionOffsets = head.functions.map(() => {
      const start = offset;
      offset += space.paramsPerFunction;
      return start;
    });
    return { head, functionOffsets, gradScaleIndex: functionCount * space.paramsPerFunction + h };
  });
  return { dims: functionCount * space.paramsPerFunction + space.heads.length, heads };
}

/** Number of θ dimensions of a space. */
export function spaceDims(space: SearchSpace): number {
  return spaceLayout(space).dims;
}

/**
 * μ of one function that makes it the identity (the search starts from `param-ap:linear`,
 * docs/spec/paper-spec.md §4.2): θ = (1/(k+1), 1/(k+1), 1/k, 1/k, …, 1/2, 1/2) for k interior points. For the
 * released 8-number rows the official literal values (…, 0.3333, 0.3333, …) are used.
 */
export function identityFunctionMu(paramsPerFunction: number): number[] {
  if (paramsPerFunction === 8) return [0.2, 0.2, 0.25, 0.25, 0.3333, 0.3333, 0.5, 0.5];
  const points = paramsPerFunction / 2;
  return Array.from({ length: paramsPerFunction }, (_, i) => 1 / (points + 1 - Math.floor(i / 2)));
}

/** The initial policy location μ0 (docs/spec/paper-spec.md §4.2): identity functions and grad scale θ = 0.5 (w = 1). */
export function initialMu(space: SearchSpace): number[] {
  const layout = spaceLayout(space);
  const mu = new Array<number>(layout.dims);
  const fn = identityFunctionMu(space.paramsPerFunction);
  for (const slice of layout.heads) {
    for (const start of slice.functionOffsets) fn.forEach((v, i) => (mu[start + i] = v));
    mu[slice.gradScaleIndex] = 0.5;
  }
  return mu;
}

/** Checks a space's shape (for spaces read from state.json or built by users). */
export function validateSearchSpace(space: SearchSpace, where = 'search space'): void {
  if (typeof space?.name !== 'string' || !Array.isArray(space.heads) || space.heads.length === 0) {
    throw new UserError(`${where}: expected { name, heads: [...], paramsPerFunction }`);
  }
  if (![4, 8, 12].includes(space.paramsPerFunction))
    throw new UserError(`${where}: paramsPerFunction must be 4, 8 or 12, got ${space.paramsPerFunction}`);
  // Array.isArray above narrows a readonly array to any[]: read the heads through their type.
  const heads: readonly SearchHead[] = space.heads;
  const kinds = heads.map((h) => h.kind);
  if (kinds.includes(null) && kinds.length > 1)
    throw new UserError(`${where}: a head with kind null (every head) must be the only head`);
  heads.forEach((head, h) => {
    const fns = head.functions;
    if (!Array.isArray(fns) || (fns.length !== 4 && fns.length !== 5) || fns.some((f, i) => f !== ALL_FUNCTIONS[i])) {
      throw new UserError(
        `${where}: head ${h}: functions must be [${ALL_FUNCTIONS.slice(0, 4).join(', ')}] or [${ALL_FUNCTIONS.join(', ')}] (the loss's row order)`,
      );
    }
  });
}
