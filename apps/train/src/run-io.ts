/** Where a run's logs, progress bar and final summary go (the CLI passes stderr/stdout; tests pass collectors). */
export interface RunIo {
  log: (line: string) => void;
  progressStream: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** The 12-line COCO summary and final table. */
  out: (text: string) => void;
}

export const DEFAULT_IO: RunIo = {
  log: (line) => process.stderr.write(`${line}\n`),
  progressStream: process.stderr,
  out: (text) => process.stdout.write(text),
};

/** Logs nothing (library callers that watch a run through its hooks). */
export const SILENT_IO: RunIo = {
  log: () => {},
  progressStream: { write: () => true, isTTY: false },
  out: () => {},
};
