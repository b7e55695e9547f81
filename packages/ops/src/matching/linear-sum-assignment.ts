/**
 * Linear sum assignment (minimum-cost bipartite matching) on a rectangular cost matrix, by
 * successive shortest augmenting paths with dual potentials (the Jonker–Volgenant family, in
 * the rectangular form described by Crouse, "On implementing 2D rectangular assignment
 * algorithms", IEEE TAES 2016). O(r²·c) for r ≤ c.
 *
 * Semantics follow scipy.optimize.linear_sum_assignment: min(r, c) pairs are returned, sorted
 * by row; with more rows than columns the problem is solved on the transpose.
 * Entries: finite numbers; +Infinity marks a forbidden pair (error if no full matching avoids
 * them); NaN and −Infinity are rejected.
 */

export interface Assignment {
  rows: number[];
  cols: number[];
}

/** Validates the matrix and copies it into a dense Float64Array, transposed if needed. */
function denseCost(cost: number[][]): { data: Float64Array; nr: number; nc: number; transposed: boolean } {
  if (!Array.isArray(cost)) throw new TypeError('linearSumAssignment: cost must be an array of rows');
  const rows = cost.length;
  const cols = rows > 0 ? (cost[0]?.length ?? 0) : 0;
  for (let i = 0; i < rows; i++) {
    const row = cost[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(
        `linearSumAssignment: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${cols} (matrix must be rectangular)`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || Number.isNaN(v) || v === -Infinity) {
        throw new RangeError(
          `linearSumAssignment: cost[${i}][${j}] = ${v}; entries must be numbers, finite or +Infinity (forbidden)`,
        );
      }
    }
  }
  const transposed = rows > cols;
  const nr = transposed ? cols : rows;
  const nc = transposed ? rows : cols;
  const data = new Float64Array(nr * nc);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[transposed ? j * nc + i : i * nc + j] = cost[i][j];
  }
  return { data, nr, nc, transposed };
}

/** Solves the assignment; returns `{rows, cols}` of min(r, c) pairs sorted by row. */
export function linearSumAssignment(cost: number[][]): Assignment {
  const { data, nr, nc, transposed } = denseCost(cost);
  if (nr === 0) return { rows: [], cols: [] };
  const col4row = solveWide(data, nr, nc);
  const pairs: [number, number][] = [];
  for (let i = 0; i < nr; i++) pairs.push(transposed ? [col4row[i], i] : [i, col4row[i]]);
  pairs.sort((a, b) => a[0] - b[0]);
  return { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]) };
}

/** Core solver for nr ≤ nc: returns the column assigned to each row. */
function solveWide(cost: Float64Array, nr: number, nc: number): Int32Array {
  const u = new Float64Array(nr); // row potentials
  const v = new Float64Array(nc); // column potentials
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const path = new Int32Array(nc);
  const dist = new Float64Array(nc);
  const visitedRow = new Uint8Array(nr);
  const visitedCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let start = 0; start < nr; start++) {
    const { sink, minVal } = shortestPath(start);
    // Update the potentials so reduced costs stay ≥ 0 and are 0 along the tree.
    u[start] += minVal;
    for (let i = 0; i < nr; i++) {
      if (visitedRow[i] && i !== start) u[i] += minVal - dist[col4row[i]];
    }
    for (let j = 0; j < nc; j++) if (visitedCol[j]) v[j] -= minVal - dist[j];
    // Augment: flip the alternating path ending at the free column `sink`.
    let j = sink;
    for (;;) {
      const i = path[j];
      row4col[j] = i;
      const prev = col4row[i];
      col4row[i] = j;
      if (i === start) break;
      j = prev;
    }
  }
  return col4row;

  /** Dijkstra on reduced costs from row `start` until a free column is reached. */
  function shortestPath(start: number): { sink: number; minVal: number } {
    visitedRow.fill(0);
    visitedCol.fill(0);
    dist.fill(Infinity);
    let numRemaining = nc;
    // Filled in reverse so that, among equal distances, free columns with low index are
    // preferred in a stable way (any choice is optimal; this just makes results repeatable).
    for (let k = 0; k < nc; k++) remaining[k] = nc - 1 - k;
    let minVal = 0;
    let i = start;
    for (;;) {
      visitedRow[i] = 1;
      let best = -1;
      let lowest = Infinity;
      const base = i * nc;
      for (let k = 0; k < numRemaining; k++) {
        const j = remaining[k];
        const r = minVal + cost[base + j] - u[i] - v[j];
        if (r < dist[j]) {
          path[j] = i;
          dist[j] = r;
        }
        if (dist[j] < lowest || (dist[j] === lowest && row4col[j] === -1)) {
          lowest = dist[j];
          best = k;
        }
      }
      minVal = lowest;
      if (minVal === Infinity) {
        throw new RangeError(
          'linearSumAssignment: infeasible cost matrix (every complete assignment uses a +Infinity entry)',
        );
      }
      const j = remaining[best];
      visitedCol[j] = 1;
      remaining[best] = remaining[--numRemaining];
      if (row4col[j] === -1) return { sink: j, minVal };
      i = row4col[j];
    }
  }
}

/** Total cost of an assignment (convenience for tests and callers). */
export function assignmentCost(cost: number[][], a: Assignment): number {
  let s = 0;
  for (let k = 0; k < a.rows.length; k++) s += cost[a.rows[k]][a.cols[k]];
  return s;
}
