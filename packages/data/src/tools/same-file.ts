import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * True when two paths name the same file: the same absolute path (`a.json` and `./a.json`), or
 * two existing paths to one file (a symbolic or hard link: same device and inode).
 *
 * @example
 * await sameFile('data/all.json', './data/all.json'); // true
 */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}
