import { UserError } from '@apdet/io';
import { hostFunctions, type HostFunctions } from './host-functions.js';
import { resolvePapOptions, type PapLossOptions, type ResolvedPapOptions } from './options.js';
import { momentBytes, prefixMoments, sweepColumns, sweepRows } from './region-sweeps.js';
import { checkTargets, selectPairs, type PairSelection } from './selection.js';

/** Flat host inputs; logits are float32 so that the radix sort can order their bit patterns. */
export interface HostPapInputs {
  readonly logits: Float32Array;
  readonly ious: ArrayLike<number>;
  readonly targets: ArrayLike<number>;
}

export interface HostPapGradients {
  readonly gradLogits: Float64Array;
  readonly gradIous: Float64Array;
  /** Bytes of typed arrays the backward pass allocated (gradients included), for benchmarks. */
  readonly hostBytes: number;
}

/** Result of the forward pass; `backward()` computes d loss / d inputs (for a unit upstream). */
export interface HostPapForward {
  readonly loss: number;
  readonly selection: PairSelection;
  /** Bytes of typed arrays the forward pass allocated, selection included (benchmarks). */
  readonly hostBytes: number;
  backward(): HostPapGradients;
}

/** Normaliser of the official code: number of positive pairs + 1e-8. */
export const POSITIVE_EPS = 1e-8;

function filled(n: number, v: number): Float64Array {
  return new Float64Array(n).fill(v);
}

/** Ends that need no sweeps: no positives (loss 0, zero gradients) or non-finite inputs (NaN). */
function trivialResult(n: number, loss: number, selection: PairSelection): HostPapForward {
  const grad = Number.isNaN(loss) ? NaN : 0;
  return {
    loss,
    selection,
    hostBytes: 0,
    backward: () => ({ gradLogits: filled(n, grad), gradIous: filled(n, grad), hostBytes: 16 * n }),
  };
}

function checkIous(inputs: HostPapInputs, form: string): boolean {
  const { ious, targets } = inputs;
  let finite = true;
  for (let i = 0; i < ious.length; i++) {
    if (targets[i] === -1) continue;
    const u = ious[i];
    if (Number.isNaN(u)) finite = false;
    else if (form === 'searched' && !(u >= 0 && u <= 1)) {
      throw new UserError(
        `parameterizedApLoss: ious[${i}] = ${u} (target ${targets[i]}) is outside [0, 1], ` +
          'where the searched functions are defined',
      );
    }
  }
  return finite;
}

/**
 * The fast exact Parameterized AP loss on host arrays, in float64 (docs/spec/paper-spec.md §2–3, §6).
 *
 * H1 and H2 are polynomials (degree ≤ 2) of the score difference on each region between
 * their breakpoints. With rows sorted once by logit, every per-positive sum
 * N_j = Σ_k H2(x_kj)(1 − I2(u_k)), D_j = Σ_k H1(x_kj) and every gradient sum is a difference of
 * prefix sums, and the region ends move monotonically, so one pointer sweep per breakpoint
 * finds them. Time O(V + (K + P)·b) after the O(V) radix top-K (b ≤ 9 breakpoints), memory
 * O(K + P) besides the M-sized inputs and gradients. The 'sigmoid' form has no such structure
 * and is rejected here (the tfjs entry point uses the chunked dense path for it).
 */
export function paplossHostForward(inputs: HostPapInputs, options: ResolvedPapOptions): HostPapForward {
  const { logits, ious, targets } = inputs;
  if (!(logits instanceof Float32Array)) {
    throw new TypeError('paplossHostForward: logits must be a Float32Array (the radix sort reads float32 bits)');
  }
  const n = logits.length;
  if (ious.length !== n || targets.length !== n) {
    throw new UserError(
      `parameterizedApLoss: logits, ious and targets must have the same size (${n}, ${ious.length}, ${targets.length})`,
    );
  }
  checkTargets(targets);
  const fns = hostFunctions(options);
  if (!fns.h1 || !fns.h2) throw new Error(`form '${options.form}' has no fast path`);
  const selection = selectPairs(logits, targets, options.topK);
  if (selection.cols.length === 0) return trivialResult(n, 0, selection);
  const iousFinite = checkIous(inputs, options.form);
  if (selection.nonFinite || !iousFinite) return trivialResult(n, NaN, selection);
  return fastForward(inputs, selection, fns);
}

function fastForward(inputs: HostPapInputs, selection: PairSelection, fns: HostFunctions): HostPapForward {
  const { logits, ious } = inputs;
  const { rows, cols } = selection;
  const h1 = fns.h1!;
  const h2 = fns.h2!;
  const numRows = rows.length;
  const numCols = cols.length;
  const rowLogits = new Float64Array(numRows);
  const rowWeights = new Float64Array(numRows); // a_k = 1 − I2(u_k)
  for (let k = 0; k < numRows; k++) {
    rowLogits[k] = logits[rows[k]];
    rowWeights[k] = 1 - fns.i2.value(ious[rows[k]]);
  }
  const colLogits = new Float64Array(numCols);
  for (let j = 0; j < numCols; j++) colLogits[j] = logits[cols[j]];

  const numerators = new Float64Array(numCols);
  const numeratorDerivs = new Float64Array(numCols);
  const denominators = new Float64Array(numCols);
  const weightedMoments = prefixMoments(rowLogits, rowWeights, h2.degree);
  sweepColumns(h2, rowLogits, weightedMoments, colLogits, numerators, numeratorDerivs);
  const unitMoments = prefixMoments(rowLogits, null, h1.degree);
  sweepColumns(h1, rowLogits, unitMoments, colLogits, denominators, null);

  const z = numCols + POSITIVE_EPS;
  let total = 0;
  for (let j = 0; j < numCols; j++) {
    const u = ious[cols[j]];
    total += 1 - fns.i1.value(u) + (fns.i3.value(u) * numerators[j]) / denominators[j];
  }
  const hostBytes =
    8 * (2 * numRows + 4 * numCols) +
    4 * (numRows + numCols) +
    momentBytes(weightedMoments) +
    momentBytes(unitMoments) +
    selection.workBytes;
  return {
    loss: total / z,
    selection,
    hostBytes,
    backward: () =>
      fastBackward(inputs, selection, fns, {
        rowLogits,
        rowWeights,
        colLogits,
        numerators,
        numeratorDerivs,
        denominators,
        z,
      }),
  };
}

interface ForwardState {
  rowLogits: Float64Array;
  rowWeights: Float64Array;
  colLogits: Float64Array;
  numerators: Float64Array;
  numeratorDerivs: Float64Array;
  denominators: Float64Array;
  z: number;
}

/**
 * Gradients (docs/spec/paper-spec.md §6, with the 1/D_j the spec's g_kj leaves out):
 *   ∂L/∂d_kj = γ_j a_k H2'(d_kj),  γ_j = I3(u_j) / (D_j Z);  a row gets +Σ_j, a column −Σ_k;
 *   ∂L/∂u_j = (−I1'(u_j) + I3'(u_j) N_j / D_j) / Z;   ∂L/∂u_k = −I2'(u_k) Σ_j γ_j H2(d_kj).
 * D_j is a constant (H1 is detached). A positive in the top-K gets both its row and column
 * parts; its self-pair terms cancel, as in autograd where d_jj = s_j − s_j.
 */
function fastBackward(
  inputs: HostPapInputs,
  selection: PairSelection,
  fns: HostFunctions,
  state: ForwardState,
): HostPapGradients {
  const { logits, ious } = inputs;
  const { rows, cols } = selection;
  const { rowLogits, rowWeights, colLogits, numerators, numeratorDerivs, denominators, z } = state;
  const numCols = cols.length;
  const gammas = new Float64Array(numCols);
  for (let j = 0; j < numCols; j++) {
    gammas[j] = fns.i3.value(ious[cols[j]]) / (denominators[j] * z);
  }
  const h2 = fns.h2!;
  const colMoments = prefixMoments(colLogits, gammas, h2.degree);
  const rowValues = new Float64Array(rows.length);
  const rowDerivs = new Float64Array(rows.length);
  sweepRows(h2, rowLogits, colLogits, colMoments, rowValues, rowDerivs);

  const gradLogits = new Float64Array(logits.length);
  const gradIous = new Float64Array(logits.length);
  for (let k = 0; k < rows.length; k++) {
    const e = rows[k];
    gradLogits[e] += rowWeights[k] * rowDerivs[k];
    gradIous[e] -= fns.i2.slope(ious[e]) * rowValues[k];
  }
  for (let j = 0; j < numCols; j++) {
    const e = cols[j];
    const u = ious[e];
    gradLogits[e] -= gammas[j] * numeratorDerivs[j];
    gradIous[e] += (-fns.i1.slope(u) + (fns.i3.slope(u) * numerators[j]) / denominators[j]) / z;
  }
  const hostBytes = 8 * (numCols + 2 * rows.length + 2 * logits.length) + momentBytes(colMoments);
  return { gradLogits, gradIous, hostBytes };
}

/** Loss and gradients in one call, on host arrays (float64 arithmetic). Not for 'sigmoid'. */
export function paplossHost(
  inputs: HostPapInputs,
  options: PapLossOptions,
): { loss: number; gradLogits: Float64Array; gradIous: Float64Array; hostBytes: number } {
  const forward = paplossHostForward(inputs, resolvePapOptions(options));
  const grads = forward.backward();
  return { ...grads, loss: forward.loss, hostBytes: forward.hostBytes + grads.hostBytes };
}
