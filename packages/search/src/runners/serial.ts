/**
 * Runs async callbacks one after another, in call order. Runners deliver outcomes through it so
 * the search never persists two outcomes at once (each `onOutcome` writes the state file).
 */
export function createSerializer(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}
