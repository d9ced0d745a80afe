/** Instance rows: one per Conveyor process that opened the database (ADR 0021). */
import type { Reader, Tx } from './store.ts';

export interface InstanceRow {
  id: string;
  host: string;
  pid: number;
  processStart: string | null;
  bootId: string | null;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
  /** `start` or `worker` (ADR 0055). */
  role: string;
  /** The job kinds it claims, comma-separated; empty: none. */
  kinds: string;
}

/** A new instance row (`role` defaults to `start`, `kinds` to none). */
export type NewInstance = Omit<InstanceRow, 'stoppedAt' | 'role' | 'kinds'> & Partial<Pick<InstanceRow, 'role' | 'kinds'>>;

/** Rows not known to have stopped. */
export async function openInstances(reader: Reader): Promise<InstanceRow[]> {
  return await reader.read.instances.open();
}

/** A new row; `role` defaults to `start`, `kinds` to none (ADR 0055). */
export async function insertInstance(tx: Tx, row: NewInstance): Promise<void> {
  await tx.write.instances.insert(row);
}

/** Forget instances that stopped before `before` (one row per start would otherwise pile up). */
export async function pruneStoppedInstances(tx: Tx, before: number): Promise<void> {
  await tx.write.instances.pruneStopped(before);
}

export async function heartbeatInstance(tx: Tx, id: string, now: number): Promise<void> {
  await tx.write.instances.heartbeat(id, now);
}

export async function markInstanceStopped(tx: Tx, id: string, now: number): Promise<void> {
  await tx.write.instances.markStopped(id, now);
}

/**
 * Free the named leases (the per-project merge lease) held by the tasks whose merge job a dead
 * instance was running: the lease would otherwise block every other merge of the project until
 * it expires, even when the reclaimed job does not run again (its attempts used up).
 */
export async function releaseMergeLeasesOf(tx: Tx, owner: string): Promise<number> {
  return await tx.write.instances.releaseMergeLeasesOf(owner);
}

/**
 * Let the running jobs of a dead instance be claimed now instead of when their lease expires: the
 * claim counts the attempt, and the agent runner stops the dead run's orphaned group first.
 */
export async function expireLeasesOf(tx: Tx, owner: string): Promise<number> {
  return await tx.write.instances.expireJobLeasesOf(owner);
}

/** Instance reads of the store port. */
export interface InstanceReads {
  /** Rows not known to have stopped. */
  open(): Promise<InstanceRow[]>;
  /** Running jobs per lease owner (an instance id). */
  runningJobsByOwner(): Promise<{ owner: string; n: number }[]>;
}

/** Instance writes of the store port. */
export interface InstanceWrites {
  insert(row: NewInstance): Promise<void>;
  pruneStopped(before: number): Promise<void>;
  heartbeat(id: string, now: number): Promise<void>;
  markStopped(id: string, now: number): Promise<void>;
  /** Delete the `merge:*` leases held by the tasks whose merge job `owner` runs; how many. */
  releaseMergeLeasesOf(owner: string): Promise<number>;
  /** Expire the leases of the running jobs of `owner`; how many. */
  expireJobLeasesOf(owner: string): Promise<number>;
}
