/** Which input an error or warning is about. */
export type CocoInputPart = 'groundTruth' | 'detections' | 'params';

/**
 * Invalid evaluator input: the message names the record (its index in its array and its id)
 * and the problem, e.g. `annotations[3] (id 17): bbox[2] (width) is -4, expected >= 0`.
 * The Node entry point turns it into a `UserError` prefixed with the file name.
 */
export class CocoInputError extends Error {
  readonly part: CocoInputPart;

  constructor(message: string, part: CocoInputPart = 'params') {
    super(message);
    this.name = 'CocoInputError';
    this.part = part;
  }
}

/** True for a {@link CocoInputError}, also one thrown by another copy of this module. */
export function isCocoInputError(error: unknown): error is CocoInputError {
  return error instanceof Error && error.name === 'CocoInputError';
}
