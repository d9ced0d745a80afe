/**
 * Reaping an orphaned run before a new one starts. Runs are detached process groups, so when
 * Conveyor dies (SIGKILL, OOM, power cut of the host process) its agents live on. Their job's
 * lease then expires and the job is claimed again; before the new run spawns, the runner reads
 * the run record the old one left (run-pid-file.ts) and, when it still names a live group of that
 * run, stops the group (SIGTERM, SIGKILL after the grace period) and waits until it is gone. So
 * one attempt never has two live runs.
 *
 * Whose group is it? A pid may be reused once its process is gone, so the number alone proves
 * nothing. The record is trusted only when, within the same boot:
 * - the group leader still exists (a zombie too) with the recorded start time: a reused pid would
 *   have started later. The leader is `sh -c` or, when the shell exec'd it, the agent itself, so
 *   its command line is not a reliable mark, but its start time survives exec; or
 * - the leader is gone but a living member's environment carries the run's random id. The kernel
 *   keeps a group's number from being reused while any member lives, yet our group could have
 *   died and the number have come back as another leaderless group (a daemon's double fork); the
 *   inherited id tells the two apart.
 * Anything else is treated as not ours and never signalled: killing a stranger's processes is
 * worse than a duplicate run. Needs /proc (Linux); elsewhere runs are not recorded at all.
 */
import {
  groupAlive,
  liveGroupMembers,
  readBootId,
  readProcessStat,
  signalGroup,
  startedWithEnv,
} from './process-table.ts';
import { forgetRun, readRunRecord, RUN_ID_VARIABLE, type RunRecord } from './run-pid-file.ts';

/** How long a group may take to vanish after SIGKILL before the new run is refused. */
const AFTER_KILL_MS = 5000;
const POLL_MS = 50;

/** What reaping found: nothing of ours alive, an orphan stopped, or one that survived SIGKILL. */
export type ReapOutcome =
  | { readonly type: 'none' }
  | { readonly type: 'reaped'; readonly pgid: number; readonly killed: boolean }
  | { readonly type: 'stuck'; readonly pgid: number };

/** Whether a record's group is still running, and whether it is the recorded run's. */
export type GroupIdentity = 'ours' | 'gone' | 'foreign';

/** Decide whether `record` names a group of its run that still runs (see the module comment). */
export async function identifyGroup(record: RunRecord): Promise<GroupIdentity> {
  if (record.bootId !== readBootId()) return 'gone';
  if (!(await groupAlive(record.pgid))) return 'gone';
  const leader = await readProcessStat(record.pgid);
  if (leader) return leader.startTime === record.startTime ? 'ours' : 'foreign';
  const mark = `${RUN_ID_VARIABLE}=${record.runId}`;
  for (const member of await liveGroupMembers(record.pgid)) {
    if (await startedWithEnv(member.pid, mark)) return 'ours';
  }
  return 'foreign';
}

/**
 * Stop the run recorded in `pidFile` if it is still alive: SIGTERM to its group, SIGKILL after
 * `killGraceMs`, then wait until no member runs. The record is removed once it names nothing alive.
 */
/** The line a run's log gets when an orphan of its attempt was stopped. */
export function reapNote(reaped: Extract<ReapOutcome, { type: 'reaped' }>): string {
  return `[conveyor] stopped process group ${reaped.pgid}, left running by an earlier run of this attempt${reaped.killed ? ' (it ignored SIGTERM)' : ''}\n`;
}

export async function reapOrphanedRun(pidFile: string, killGraceMs: number): Promise<ReapOutcome> {
  const record = await readRunRecord(pidFile);
  if (!record) return { type: 'none' };
  if ((await identifyGroup(record)) !== 'ours') {
    await forgetRun(pidFile, record.pgid);
    return { type: 'none' };
  }
  signalGroup(record.pgid, 'SIGTERM');
  let killed = false;
  if (!(await waitForGroupGone(record.pgid, killGraceMs))) {
    killed = true;
    signalGroup(record.pgid, 'SIGKILL');
    if (!(await waitForGroupGone(record.pgid, AFTER_KILL_MS))) return { type: 'stuck', pgid: record.pgid };
  }
  await forgetRun(pidFile, record.pgid);
  return { type: 'reaped', pgid: record.pgid, killed };
}

/** Resolve true once no member of `pgid` runs, false if some still does after `timeoutMs`. */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
