/**
 * The last meaningful line of a chunk of an agent's log, for its card (design §7: `— "…"` after the
 * wait line): colour codes, carriage-return progress states and Conveyor's own `[conveyor]` notes
 * are dropped. Pure.
 */

const MAX_CHARS = 120;
/** Terminal colour and title escapes. */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;
/** Control characters other than tab and newline. */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The last meaningful line of a chunk of log text, or null. */
export function lastLine(text: string): string | null {
  const lines = text.replace(ANSI, '').split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const state =
      (lines[i] ?? '')
        .split('\r')
        .filter((part) => part.trim() !== '')
        .pop() ?? '';
    const line = state.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
    if (!line || line.startsWith('[conveyor]')) continue;
    return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
  }
  return null;
}
