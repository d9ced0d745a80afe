/**
 * The last lines of an agent run's log for the task page: the file's last 4 KiB, colour codes and
 * control characters dropped, at most 15 lines. Never throws: no log means no tail.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FileRunFiles } from '../agents/file-run-files.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { RunLogReader } from '../../core/dashboard/task-view.ts';

const TAIL_BYTES = 4096;
const MAX_LINES = 15;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The tail of `file`, or null. */
export function logFileTail(file: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    let text = buffer.subarray(0, read).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    const lines = text
      .replace(ANSI, '')
      .split('\n')
      .map((line) => (line.split('\r').pop() ?? '').replace(CONTROL, '').trimEnd())
      .filter((line) => line.length > 0);
    return lines.length > 0 ? lines.slice(-MAX_LINES).join('\n') : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Reads run logs where the agent runner writes them (`<workdir>/logs/<task>/<role>-<attempt>.log`). */
export function runLogReader(workdir: string): RunLogReader {
  const files = new FileRunFiles({ workdir });
  return (taskId, role, attempt) => {
    try {
      return logFileTail(files.logFile(taskId, role as Role, attempt));
    } catch {
      return null;
    }
  };
}
