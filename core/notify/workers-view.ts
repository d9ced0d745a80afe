/**
 * Who runs on this database (ADR 0055), for `/queue`, the dashboard and `/metrics`: every process
 * not known to have stopped (id, host, role, kinds, last heartbeat, running jobs) and the leader
 * lease's holder. A process whose heartbeat is older than {@link SILENT_AFTER_MS} is shown but not
 * counted live: it was killed and no `start` or worker has swept its row yet.
 */
import { LEADER_LEASE_NAME } from '../ports/leader-lease.ts';
import type { Reader } from '../store/store.ts';
import { listLeases } from '../store/lease-repo.ts';
import { openProcesses, type ProcessRow } from '../store/worker-repo.ts';

/** Three missed heartbeats (one every 10 s). */
export const SILENT_AFTER_MS = 30_000;

export interface WorkersView {
  readonly processes: readonly ProcessRow[];
  /** The leader lease's holder and expiry, or null when no `start` holds it. */
  readonly leader: { readonly holder: string; readonly expiresAt: number } | null;
}

export async function buildWorkersView(reader: Reader): Promise<WorkersView> {
  const lease = (await listLeases(reader)).find((l) => l.name === LEADER_LEASE_NAME);
  return { processes: await openProcesses(reader), leader: lease ? { holder: lease.holder, expiresAt: lease.expiresAt } : null };
}

/** True while the process heartbeats. */
export function isLive(process: ProcessRow, now: number): boolean {
  return now - process.heartbeatAt <= SILENT_AFTER_MS;
}

/** Live processes by role (`start`, `worker`), both always present. */
export function liveByRole(view: WorkersView, now: number): Record<string, number> {
  const counts: Record<string, number> = { start: 0, worker: 0 };
  for (const p of view.processes) if (isLive(p, now)) counts[p.role] = (counts[p.role] ?? 0) + 1;
  return counts;
}
