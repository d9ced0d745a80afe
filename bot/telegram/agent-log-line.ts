/**
 * The last line a running agent wrote to its log, for its card (design §7: `— "…"` after the wait
 * line). Reads only the file's last 4 KiB, so it stays cheap however long the run's log grows;
 * colour codes, carriage-return progress states and Conveyor's own `[conveyor]` notes are dropped.
 * Never throws: a missing or unreadable log means no line.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const TAIL_BYTES = 4096;
const MAX_CHARS = 120;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The last meaningful line of `file`, at most 120 characters, or null. */
export function lastLogLine(file: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    let text = buffer.subarray(0, read).toString('utf8');
    // A tail that starts mid-file starts mid-line (maybe mid-character): drop that first piece.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return lastLine(text);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

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

/** Where a run's last log line comes from: (task, role, attempt) → the line, or null. */
export type AgentLogReader = (taskId: string, role: string, attempt: number) => string | null;

/** The running agent's last log line for a card view, if an agent is running and said something. */
export function runningAgentLine(
  waiting: { type: string; state?: string; role?: string; attempt?: number },
  taskId: string,
  reader: AgentLogReader | undefined,
): string | null {
  if (!reader || waiting.type !== 'agent' || waiting.state !== 'running' || !waiting.role || !waiting.attempt)
    return null;
  return reader(taskId, waiting.role, waiting.attempt);
}
