/**
 * The proxy training's failure rule (docs/spec/paper-spec.md §7.5, `train_iters` in the official search):
 * a cumulative counter, never reset, counts the steps whose loss is NaN or within 1e-6 of 1.0
 * (the value the Parameterized AP loss collapses to, e.g. when I1 ≡ I3); once it exceeds 50
 * the training stops and the sample's reward is 0.
 */

export const COLLAPSE_TOLERANCE = 1e-6;
export const COLLAPSE_LIMIT = 50;

export class CollapseCounter {
  private count = 0;

  constructor(readonly limit = COLLAPSE_LIMIT) {}

  /** Records one step's loss; true once the counter exceeds the limit (the training must stop). */
  observe(loss: number): boolean {
    if (Number.isNaN(loss) || Math.abs(loss - 1) < COLLAPSE_TOLERANCE) this.count += 1;
    return this.failed;
  }

  get collapsedSteps(): number {
    return this.count;
  }

  get failed(): boolean {
    return this.count > this.limit;
  }

  describe(): string {
    return `the loss was NaN or 1 ± ${COLLAPSE_TOLERANCE} at ${this.count} steps (more than ${this.limit}: collapsed, docs/spec/paper-spec.md §7.5)`;
  }
}
