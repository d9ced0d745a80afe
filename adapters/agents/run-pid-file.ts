/**
 * The run record: a small JSON file next to a run's log file (`<logFile>.pid`) naming the process
 * group a live run occupies. It is written right after the spawn and removed once the group is
 * gone, so after a crash it points at the orphan. A reclaimed job runs the same attempt with the
 * same log file, and so finds its predecessor's record (see orphan-reaper.ts).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { readBootId, readProcessStatSync } from './process-table.ts';

/** What a run record holds. */
export interface RunRecord {
  /** The process group id: the pid of the `sh -c` leader. */
  readonly pgid: number;
  /** The leader's start time (/proc/<pid>/stat field 22), which a reused pid would not share. */
  readonly startTime: string;
  /** The boot the start time belongs to. */
  readonly bootId: string;
  /** A random id, also in every group member's environment as {@link RUN_ID_VARIABLE}. */
  readonly runId: string;
}

/** The variable carrying a run's id into its processes (they inherit it). */
export const RUN_ID_VARIABLE = 'CONVEYOR_RUN_ID';

/** Where the record of the run logging to `logFile` lives. */
export function pidFileOf(logFile: string): string {
  return `${logFile}.pid`;
}

/** A fresh run id. */
export function newRunId(): string {
  return randomBytes(12).toString('hex');
}

/** The file's text for `record`. */
export function formatRunRecord(record: RunRecord): string {
  return `${JSON.stringify({ pgid: record.pgid, startTime: record.startTime, bootId: record.bootId, runId: record.runId })}\n`;
}

/** Parse a record; null for anything else (a torn or foreign file is treated as no record). */
export function parseRunRecord(text: string): RunRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { pgid, startTime, bootId, runId } = value as Record<string, unknown>;
  if (typeof pgid !== 'number' || !Number.isInteger(pgid) || pgid <= 1) return null;
  if (typeof startTime !== 'string' || !/^\d+$/.test(startTime)) return null;
  if (typeof bootId !== 'string' || bootId === '' || typeof runId !== 'string' || runId === '') return null;
  return { pgid, startTime, bootId, runId };
}

/**
 * How recording went: the record written; unsupported (no /proc: not Linux, runs go unrecorded
 * and orphans unreaped); or failed, and the run must not go on unrecorded.
 */
export type RecordOutcome =
  | { readonly type: 'recorded'; readonly record: RunRecord }
  | { readonly type: 'unsupported' }
  | { readonly type: 'failed'; readonly error: string };

/**
 * Record the group led by `pgid` in `file`, synchronously (see readProcessStatSync), and
 * atomically (write, then rename), so a reader never sees half a record.
 */
export function recordRun(file: string, pgid: number, runId: string): RecordOutcome {
  const bootId = readBootId();
  if (bootId === null) return { type: 'unsupported' };
  const leader = readProcessStatSync(pgid);
  if (leader === null) return { type: 'failed', error: `cannot read /proc/${pgid}/stat to record the run` };
  const record: RunRecord = { pgid, startTime: leader.startTime, bootId, runId };
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, formatRunRecord(record));
    renameSync(temporary, file);
  } catch (error) {
    return { type: 'failed', error: `cannot write ${file}: ${(error as Error).message}` };
  }
  return { type: 'recorded', record };
}

/** The record in `file`, or null when there is none (or it is unreadable). */
export async function readRunRecord(file: string): Promise<RunRecord | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  return text === null ? null : parseRunRecord(text);
}

/** Remove `file` if it still records `pgid` (a later run of the same attempt may own it by now). */
export async function forgetRun(file: string, pgid: number): Promise<void> {
  const current = await readRunRecord(file);
  if (current?.pgid === pgid) await unlink(file).catch(() => undefined);
}
