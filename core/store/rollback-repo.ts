/**
 * One-tap roll-backs (ADR 0034), kept as `approvals` rows of gate `rollback`: a human decision about
 * production, taken once. The unique (task, gate, round) index makes the claim the guard: a second
 * confirm finds the row and changes nothing. `state` walks `requested` → `hook-started` → an
 * outcome; `decided_*` name who confirmed and when, `reason` says how it ended, `summary` the image.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { loadDeployState } from './deploy-state-repo.ts';
import { approvals, tasks } from './schema.ts';

export const ROLLBACK_GATE = 'rollback';
/** A task is delivered once, so it is rolled back at most once. */
const ROUND = 1;

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
export async function claimRollback(
  tx: Tx,
  claim: { id: string; taskId: string; by: string; byName: string; targetRef: string; now: number },
): Promise<boolean> {
  const result = tx.db
    .insert(approvals)
    .values({
      id: claim.id,
      taskId: claim.taskId,
      gate: ROLLBACK_GATE,
      round: ROUND,
      state: 'requested',
      decidedBy: claim.by,
      decidedByName: claim.byName,
      decidedAt: claim.now,
      summary: claim.targetRef,
      createdAt: claim.now,
    })
    .onConflictDoNothing()
    .run();
  return result.changes === 1;
}

export async function rollbackOf(reader: Reader, taskId: string): Promise<RollbackRecord | null> {
  const db = readerDb(reader);
  const row = db
    .select()
    .from(approvals)
    .where(and(eq(approvals.taskId, taskId), eq(approvals.gate, ROLLBACK_GATE)))
    .get();
  return row ? toRecord(row) : null;
}

export async function rollbackById(reader: Reader, id: string): Promise<RollbackRecord | null> {
  const db = readerDb(reader);
  const row = db
    .select()
    .from(approvals)
    .where(and(eq(approvals.id, id), eq(approvals.gate, ROLLBACK_GATE)))
    .get();
  return row ? toRecord(row) : null;
}

/** Move the roll-back from `from` to `to`; false when it is no longer in `from` (decided once). */
export async function advanceRollback(
  tx: Tx,
  id: string,
  from: RollbackState,
  to: RollbackState,
  outcome: string | null = null,
): Promise<boolean> {
  const result = tx.db
    .update(approvals)
    .set({ state: to, ...(outcome !== null ? { reason: outcome } : {}) })
    .where(and(eq(approvals.id, id), eq(approvals.gate, ROLLBACK_GATE), eq(approvals.state, from)))
    .run();
  return result.changes === 1;
}

/**
 * The project's task whose deploy hook runs now (started, no result yet: hook and health loop), if
 * any: a roll-back waits for it. A deploy job that has not reached its hook waits for the roll-back
 * instead ({@link rollbackInProgress}), so the two never wait for each other.
 */
export async function deployInProgress(reader: Reader, projectId: string): Promise<string | null> {
  const db = readerDb(reader);
  const rows = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(
      and(
        eq(tasks.projectId, projectId),
        eq(tasks.stage, 'deploy'),
        eq(tasks.phase, 'working'),
        eq(tasks.escalated, false),
      ),
    )
    .all();
  for (const row of rows) {
    const state = await loadDeployState(db, row.id);
    if (state !== null && state.hookStartedAt !== null && state.hookResult === null) return row.id;
  }
  return null;
}

/** The project's roll-back that is confirmed and not finished (`requested`/`hook-started`), if any: a deploy hook waits for it. */
export async function rollbackInProgress(
  reader: Reader,
  projectId: string,
): Promise<{ readonly taskId: string; readonly state: RollbackState } | null> {
  const db = readerDb(reader);
  const row = db
    .select({ taskId: approvals.taskId, state: approvals.state })
    .from(approvals)
    .innerJoin(tasks, eq(tasks.id, approvals.taskId))
    .where(
      and(
        eq(tasks.projectId, projectId),
        eq(approvals.gate, ROLLBACK_GATE),
        inArray(approvals.state, ['requested', 'hook-started']),
      ),
    )
    .get();
  return row ? { taskId: row.taskId, state: row.state as RollbackState } : null;
}

function toRecord(row: typeof approvals.$inferSelect): RollbackRecord {
  return {
    id: row.id,
    taskId: row.taskId,
    state: row.state as RollbackState,
    by: row.decidedBy ?? '',
    byName: row.decidedByName ?? '',
    at: row.decidedAt ?? row.createdAt,
    targetRef: row.summary,
    outcome: row.reason,
  };
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
