/**
 * What the runners need to know about live processes, read from Linux's /proc: a process's
 * state, group and start time, a process group's living members, and signals to whole groups.
 * Zombies count as dead everywhere: they run nothing, and a container whose PID 1 never reaps
 * orphans keeps them around forever. Without /proc (not Linux) every read answers null or empty.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** One process as /proc/<pid>/stat describes it. */
export interface ProcessStat {
  readonly pid: number;
  /** One letter: R, S, D, Z, T… */
  readonly state: string;
  /** Process group id. */
  readonly pgrp: number;
  /** Clock ticks after boot at which it started; with the boot id, names a process uniquely. */
  readonly startTime: string;
}

/** Parse the text of /proc/<pid>/stat; null when it does not look like one. */
export function parseProcessStat(pid: number, text: string): ProcessStat | null {
  // The command name (field 2) may hold spaces and parentheses: the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (!state || !Number.isInteger(pgrp) || !startTime || !/^\d+$/.test(startTime)) return null;
  return { pid, state, pgrp, startTime };
}

/** The process `pid` (a zombie included), or null when it does not exist. */
export async function readProcessStat(pid: number): Promise<ProcessStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseProcessStat(pid, text);
}

/**
 * The same, synchronously: used right after a spawn, where no event-loop turn may pass before
 * the run is on disk (a crash in between would leave an unrecorded orphan).
 */
export function readProcessStatSync(pid: number): ProcessStat | null {
  try {
    return parseProcessStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

let bootIdCache: string | null | undefined;

/** This boot's random id; start times only compare within one boot. Null without /proc. */
export function readBootId(): string | null {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache;
}

/** The members of process group `pgid` that still run (zombies left out). Empty without /proc. */
export async function liveGroupMembers(pgid: number): Promise<ProcessStat[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const stats = await Promise.all(
    names.filter((n) => /^\d+$/.test(n)).map((n) => readProcessStat(Number(n))),
  );
  return stats.filter((s): s is ProcessStat => s !== null && s.pgrp === pgid && s.state !== 'Z');
}

/** True while some member of group `pgid` runs. Without /proc, any member at all (zombies too). */
export async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM: the group exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (readBootId() === null) return true;
  return (await liveGroupMembers(pgid)).length > 0;
}

/** True when the environment `pid` started with holds exactly `entry` (`NAME=value`). */
export async function startedWithEnv(pid: number, entry: string): Promise<boolean> {
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  return environ.split('\0').includes(entry);
}

/** Send `signal` to every process of group `pgid`; a group that is gone already is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
