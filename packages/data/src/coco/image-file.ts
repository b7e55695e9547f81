import path from 'node:path';
import { UserError } from '@apdet/io';

/**
 * True when a COCO `file_name` could name a file outside its image folder: an absolute path or
 * one with a `..` segment (`../val/1.png`, `a/../../x`). COCO's `file_name` is relative to the
 * image folder; such names read other files (issue 22 item 15), so they are refused.
 *
 * @example
 * leavesImageFolder('sub/000001.png'); // false
 * leavesImageFolder('../secret.png'); // true
 */
export function leavesImageFolder(fileName: string): boolean {
  return path.posix.isAbsolute(fileName) || path.win32.isAbsolute(fileName) || fileName.split(/[\\/]/).includes('..');
}

/**
 * The path of an image record's file in `imageDir`; a `file_name` outside the folder (see
 * {@link leavesImageFolder}) is a one-line UserError naming it.
 */
export function imageFilePath(imageDir: string, fileName: string): string {
  if (leavesImageFolder(fileName)) {
    throw new UserError(
      `"file_name" must be a path inside the image folder ${imageDir}, got ${JSON.stringify(fileName)}`,
    );
  }
  return path.join(imageDir, fileName);
}
