/**
 * One-tap roll-backs (ADR 0034), kept as `approvals` rows of gate `rollback`: a human decision about
 * production, taken once. The unique (task, gate, round) index makes the claim the guard: a second
 * confirm finds the row and changes nothing. `state` walks `requested` → `hook-started` → an
 * outcome; `decided_*` name who confirmed and when, `reason` says how it ended, `summary` the image.
 */
import { loadDeployState } from './deploy-state-repo.ts';
import type { Reader, Tx } from './store.ts';

export const ROLLBACK_GATE = 'rollback';

export type RollbackState = 'requested' | 'hook-started' | 'rolled-back' | 'failed' | 'unknown';

export interface RollbackRecord {
  readonly id: string;
  readonly taskId: string;
  readonly state: RollbackState;
  /** The actor string (`telegram:<id>:<name>`). */
  readonly by: string;
  readonly byName: string;
  readonly at: number;
  /** The image production goes back to (`<deploy.image>:<sha>`). */
  readonly targetRef: string;
  /** How it ended (null while running). */
  readonly outcome: string | null;
}

/** Claim the task's roll-back; false when it was claimed before (by anyone). */
export async function claimRollback(tx: Tx, claim: RollbackClaim): Promise<boolean> {
  return await tx.write.rollbacks.claim(claim);
}

export async function rollbackOf(reader: Reader, taskId: string): Promise<RollbackRecord | null> {
  return await reader.read.rollbacks.ofTask(taskId);
}

export async function rollbackById(reader: Reader, id: string): Promise<RollbackRecord | null> {
  return await reader.read.rollbacks.byId(id);
}

/** Move the roll-back from `from` to `to`; false when it is no longer in `from` (decided once). */
export async function advanceRollback(
  tx: Tx,
  id: string,
  from: RollbackState,
  to: RollbackState,
  outcome: string | null = null,
): Promise<boolean> {
  return await tx.write.rollbacks.advance(id, from, to, outcome);
}

/**
 * The project's task whose deploy hook runs now (started, no result yet: hook and health loop), if
 * any: a roll-back waits for it. A deploy job that has not reached its hook waits for the roll-back
 * instead ({@link rollbackInProgress}), so the two never wait for each other.
 */
export async function deployInProgress(reader: Reader, projectId: string): Promise<string | null> {
  for (const id of await reader.read.tasks.idsIn(projectId, 'deploy', 'working')) {
    const state = await loadDeployState(reader, id);
    if (state !== null && state.hookStartedAt !== null && state.hookResult === null) return id;
  }
  return null;
}

/** The project's roll-back that is confirmed and not finished (`requested`/`hook-started`), if any: a deploy hook waits for it. */
export async function rollbackInProgress(
  reader: Reader,
  projectId: string,
): Promise<{ readonly taskId: string; readonly state: RollbackState } | null> {
  return await reader.read.rollbacks.inProgress(projectId);
}

/** Roll-back reads of the store port (rows of the approvals table, gate `rollback`). */
export interface RollbackReads {
  ofTask(taskId: string): Promise<RollbackRecord | null>;
  byId(id: string): Promise<RollbackRecord | null>;
  /** The project's roll-back in state `requested` or `hook-started`, if any. */
  inProgress(projectId: string): Promise<{ readonly taskId: string; readonly state: RollbackState } | null>;
}

/** A roll-back claim. */
export interface RollbackClaim {
  readonly id: string;
  readonly taskId: string;
  readonly by: string;
  readonly byName: string;
  readonly targetRef: string;
  readonly now: number;
}

/** Roll-back writes of the store port. */
export interface RollbackWrites {
  /** Claim the task's roll-back; false when it was claimed before. */
  claim(claim: RollbackClaim): Promise<boolean>;
  /** Move from `from` to `to` (recording `outcome` when not null); false when not in `from`. */
  advance(id: string, from: RollbackState, to: RollbackState, outcome: string | null): Promise<boolean>;
}
