/** The processes on this database as rows (ADR 0055): each open instance with its running jobs. */
import type { Reader } from './store.ts';

/** An instance not known to have stopped, and how many jobs it holds running now. */
export interface ProcessRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly role: string;
  /** Comma-separated job kinds it claims; empty: none. */
  readonly kinds: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly runningJobs: number;
}

/** Open instances, oldest first, with their running job counts (jobs' lease owner is the instance id). */
export async function openProcesses(reader: Reader): Promise<ProcessRow[]> {
  const rows = [...(await reader.read.instances.open())].sort((a, b) => a.startedAt - b.startedAt);
  const running = new Map((await reader.read.instances.runningJobsByOwner()).map((c) => [c.owner, c.n]));
  return rows.map((r) => ({ id: r.id, host: r.host, pid: r.pid, role: r.role, kinds: r.kinds, startedAt: r.startedAt, heartbeatAt: r.heartbeatAt, runningJobs: running.get(r.id) ?? 0 }));
}
