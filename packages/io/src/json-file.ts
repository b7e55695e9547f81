import { readFile } from 'node:fs/promises';
import { findJsonErrorOffset } from './json-error-offset.js';
import { UserError } from './user-error.js';

/**
 * Reads and parses a JSON file. A missing or unreadable file and invalid JSON become a
 * {@link UserError} naming the file and, for syntax errors, the line and column.
 *
 * @example
 * const gt = await readJsonFile('instances_val.json');
 */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${file}: ${describeFsError(error)}`, { cause: error });
  }
  return parseJsonText(text, file);
}

/** Parses JSON text; `source` names it in the error message. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: invalid JSON${locateSyntaxError(text, error)}`, { cause: error });
  }
}

/** A one-phrase reason for a failed file operation ("file not found", "no space left on the device"). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ENOTDIR':
      return 'a parent folder is a file, not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function locateSyntaxError(text: string, error: unknown): string {
  if (text.trim() === '') return ': the file is empty';
  const reason = firstClause(error instanceof Error ? error.message : String(error));
  const offset = findJsonErrorOffset(text);
  if (offset < 0) return `: ${reason}`;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const found =
    offset < text.length ? `unexpected ${JSON.stringify(text.slice(offset, offset + 12))}` : 'unexpected end of file';
  return ` at line ${line}, column ${column}: ${found}`;
}

function firstClause(message: string): string {
  return message
    .split(/,? \.\.\.|\n/)[0]
    .replace(/ in JSON at position \d+.*$/, '')
    .trim();
}
