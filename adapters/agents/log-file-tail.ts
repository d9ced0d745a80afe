/**
 * The end of an agent run's log file, read cheaply however long the log grows: only its last
 * 4 KiB, starting at a whole line, with colour codes and control characters dropped. The card shows
 * its last line (design §7), the dashboard's task page its last lines. Never throws: a missing or
 * unreadable log means nothing to show.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ANSI, CONTROL, lastLine } from '../../core/notify/log-line.ts';

const TAIL_BYTES = 4096;
const MAX_LINES = 15;

/** The last 4 KiB of `file` as text, from the first whole line; null when it cannot be read. */
function readLogEnd(file: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, read).toString('utf8');
    // A tail that starts mid-file starts mid-line (maybe mid-character): drop that first piece.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The last meaningful line of `file` for a card (at most 120 characters), or null. */
export function lastLogLine(file: string): string | null {
  const text = readLogEnd(file);
  return text === null ? null : lastLine(text);
}

/** The last non-empty lines of `file` (at most 15; a progress line keeps its last state), or null. */
export function logFileTail(file: string): string | null {
  const text = readLogEnd(file);
  if (text === null) return null;
  const lines = text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => (line.split('\r').pop() ?? '').replace(CONTROL, '').trimEnd())
    .filter((line) => line.length > 0);
  return lines.length > 0 ? lines.slice(-MAX_LINES).join('\n') : null;
}
