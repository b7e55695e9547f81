/**
 * An error caused by the user's input (a missing file, malformed JSON, a bad flag), as opposed
 * to a bug. CLIs print its message as one line, with no stack trace, and exit non-zero.
 *
 * @example
 * throw new UserError(`${file}: annotation 17 (index 3): bbox has a negative width`);
 */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/** True for a {@link UserError}, also one thrown by another copy of this module. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError';
}
