/**
 * Stable descending order of scores: ties keep increasing index order (torchvision sorts with
 * `stable=True, descending=True`). NaN scores are rejected because they have no order.
 */
export function stableDescendingOrder(scores: ArrayLike<number>, what: string): Int32Array {
  const n = scores.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`${what}: score ${i} is NaN`);
    order[i] = i;
  }
  // Int32Array.prototype.sort with a comparator is not guaranteed stable, so the index
  // tie-break makes the order total.
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order;
}
