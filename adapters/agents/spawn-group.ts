/**
 * Running one shell command in its own process group, shared by the agent and CI runners. The
 * command runs as `/bin/sh -c <command>` (detached, so it leads a new group); a timeout or an abort
 * sends SIGTERM to the whole group and SIGKILL after a grace period, so grandchildren die too.
 * When the command ends on its own, whatever it left running in its group is stopped the same way.
 * stdout and stderr are appended to a log file and their last lines kept in memory.
 *
 * While the group lives, a run record next to the log file names it (run-pid-file.ts); a run
 * that finds the record of an earlier one still alive stops that orphan first (orphan-reaper.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LogTail, type LogTailLimits } from './log-tail.ts';
import { reapNote, reapOrphanedRun, waitForGroupGone } from './orphan-reaper.ts';
import { signalGroup } from './process-table.ts';
import { forgetRun, newRunId, pidFileOf, recordRun, RUN_ID_VARIABLE } from './run-pid-file.ts';

/** One command to run. */
export interface GroupRun {
  readonly command: string;
  readonly cwd: string;
  /** The complete child environment (nothing is inherited); the run's id is added as CONVEYOR_RUN_ID. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  readonly killGraceMs: number;
  /**
   * stdout and stderr are appended here; missing directories are created. Its `.pid` sibling
   * records the live group, so a later run with the same log file can stop an orphan.
   */
  readonly logFile: string;
  readonly signal?: AbortSignal;
  readonly tail: LogTailLimits;
  /** Run as this user (needs root or CAP_SETUID); Node drops the supplementary groups then. */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** How a group run ended. */
export type GroupRunEnd =
  | { readonly type: 'exited'; readonly code: number; readonly tail: string; readonly durationMs: number }
  | { readonly type: 'timed-out'; readonly tail: string; readonly durationMs: number }
  | { readonly type: 'cancelled'; readonly tail: string; readonly durationMs: number }
  | { readonly type: 'spawn-failed'; readonly error: string }
  /**
   * Not run, or stopped at once, because it could not be supervised: an earlier run with the same
   * log file survived SIGKILL, or the run record could not be written. An infrastructure failure.
   */
  | { readonly type: 'refused'; readonly error: string };

/** Run `run.command` to the end (or until timeout/abort); never rejects. */
export async function runInProcessGroup(run: GroupRun): Promise<GroupRunEnd> {
  if (run.signal?.aborted) return { type: 'cancelled', tail: '', durationMs: 0 };
  const cwd = await stat(run.cwd).catch(() => null);
  if (!cwd?.isDirectory()) return { type: 'spawn-failed', error: `working directory ${run.cwd} does not exist` };
  let log: WriteStream;
  try {
    await mkdir(path.dirname(run.logFile), { recursive: true });
    log = await openAppend(run.logFile);
  } catch (error) {
    return { type: 'spawn-failed', error: `cannot open log file ${run.logFile}: ${(error as Error).message}` };
  }
  const pidFile = pidFileOf(run.logFile);
  const reaped = await reapOrphanedRun(pidFile, run.killGraceMs);
  let end: GroupRunEnd;
  if (reaped.type === 'stuck') {
    end = { type: 'refused', error: `an earlier run logging to ${run.logFile} (process group ${reaped.pgid}) is still alive after SIGKILL` };
  } else {
    if (reaped.type === 'reaped') log.write(reapNote(reaped));
    const supervised = await supervise(run, log, pidFile);
    end = supervised.end;
    // Keep the record until the group is gone (stragglers get SIGKILL after the grace period):
    // if Conveyor dies before that, the next run still finds them.
    const pgid = supervised.pgid;
    if (pgid !== null && (await waitForGroupGone(pgid, run.killGraceMs + 1000))) await forgetRun(pidFile, pgid);
  }
  if (end.type === 'refused') log.write(`[conveyor] not run: ${end.error}\n`);
  await new Promise<void>((resolve) => log.end(resolve));
  return end;
}

/** How supervision ended, and the group it recorded (null when none was). */
interface Supervised {
  readonly end: GroupRunEnd;
  readonly pgid: number | null;
}

function supervise(run: GroupRun, log: WriteStream, pidFile: string): Promise<Supervised> {
  const started = Date.now();
  const tail = new LogTail(run.tail);
  const runId = newRunId();
  return new Promise((resolve) => {
    // Aborted while the log was being opened: an abort listener added now would never fire.
    if (run.signal?.aborted) {
      resolve({ end: { type: 'cancelled', tail: '', durationMs: Date.now() - started }, pgid: null });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', run.command], {
        cwd: run.cwd,
        env: { ...run.env, [RUN_ID_VARIABLE]: runId },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(run.user ? { uid: run.user.uid, gid: run.user.gid } : {}),
      });
    } catch (error) {
      resolve({ end: { type: 'spawn-failed', error: `cannot start /bin/sh: ${(error as Error).message}` }, pgid: null });
      return;
    }
    const group = new GroupKiller(child, run.killGraceMs);
    // Recorded before any await: a crash must not leave an orphan nobody knows about.
    const record = child.pid === undefined ? null : recordRun(pidFile, child.pid, runId);
    const recorded = record?.type === 'recorded' ? record.record.pgid : null;
    const unsupervised = record?.type === 'failed' ? record.error : null;
    if (unsupervised) group.terminate();
    let stoppedBy: 'timed-out' | 'cancelled' | undefined;
    let exited = false;
    let settled = false;
    const stop = (reason: 'timed-out' | 'cancelled') => {
      if (exited || unsupervised) return;
      stoppedBy ??= reason;
      group.terminate();
    };
    const timer = setTimeout(() => stop('timed-out'), run.timeoutMs);
    const onAbort = () => stop('cancelled');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (end: GroupRunEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (stoppedBy) log.write(`\n[conveyor] ${stoppedBy === 'timed-out' ? `timed out after ${run.timeoutMs} ms` : 'cancelled'}; process group stopped\n`);
      resolve({ end: unsupervised ? { type: 'refused', error: unsupervised } : end, pgid: recorded });
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      tail.push('stdout', chunk);
      log.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      tail.push('stderr', chunk);
      log.write(chunk);
    });
    child.on('error', (error) => {
      if (child.pid === undefined) finish({ type: 'spawn-failed', error: `cannot start /bin/sh: ${error.message}` });
    });
    child.on('exit', () => {
      exited = true;
      clearTimeout(timer);
      // The leader is gone; stop what it left behind. A straggler that escaped the group could
      // hold our pipes open forever, so stop reading after the grace period.
      group.terminate();
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, run.killGraceMs + 1000).unref();
    });
    child.on('close', (code, signal) => {
      const durationMs = Date.now() - started;
      if (stoppedBy) finish({ type: stoppedBy, tail: tail.text(), durationMs });
      else finish({ type: 'exited', code: code ?? 128 + signalNumber(signal), tail: tail.text(), durationMs });
    });
  });
}

/** SIGTERM to the whole group once, SIGKILL after the grace period. */
class GroupKiller {
  private terminated = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceMs: number,
  ) {}

  terminate(): void {
    if (this.terminated || this.child.pid === undefined) return;
    this.terminated = true;
    const pgid = this.child.pid;
    signalGroup(pgid, 'SIGTERM');
    setTimeout(() => signalGroup(pgid, 'SIGKILL'), this.graceMs).unref();
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (os.constants.signals[signal] ?? 0) : 0;
}

function openAppend(file: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(file, { flags: 'a' });
    stream.once('open', () => {
      // A later write failure (disk full) must not crash the process; the run itself goes on.
      stream.on('error', () => undefined);
      resolve(stream);
    });
    stream.once('error', reject);
  });
}
