/**
 * What a terminal shows after a stream of writes: enough of a VT100 for cli-progress's output
 * (text, `\n`, `\r`, cursor up/down/column, erase line/right/below, save/restore cursor), so
 * the progress tests check the screen a user sees rather than the escape codes that draw it.
 */
export function screen(writes: readonly string[]): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let saved = { row: 0, col: 0 };
  const line = (): string => lines[row] ?? '';
  const put = (text: string): void => {
    while (lines.length <= row) lines.push('');
    lines[row] = line().padEnd(col).slice(0, col) + text + line().slice(col + text.length);
    col += text.length;
  };
  // ESC 7/8 (save/restore) or CSI [params] letter; anything else is text up to the next control character.
  // eslint-disable-next-line no-control-regex -- matching the terminal's escape codes is the point
  const token = /\x1b([78])|\x1b\[(\??)(\d*)([A-Za-z])|([\r\n])|([^\x1b\r\n]+)/g;
  for (const [, saveRestore, privateMode, n, command, control, text] of writes.join('').matchAll(token)) {
    if (text !== undefined) put(text);
    else if (control === '\n') [row, col] = [row + 1, 0];
    else if (control === '\r') col = 0;
    else if (saveRestore === '7') saved = { row, col };
    else if (saveRestore === '8') ({ row, col } = saved);
    else if (privateMode === '?')
      continue; // cursor visibility, autowrap
    else if (command === 'A') row = Math.max(0, row - Number(n || 1));
    else if (command === 'B') row += Number(n || 1);
    else if (command === 'G') col = Number(n || 1) - 1;
    else if (command === 'K') lines[row] = n === '2' ? '' : line().slice(0, col);
    else if (command === 'J') lines.splice(row, lines.length, line().slice(0, col));
  }
  while (lines.length <= row) lines.push('');
  return lines.map((l) => l.trimEnd());
}
