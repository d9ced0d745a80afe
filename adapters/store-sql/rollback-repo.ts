/** Roll-backs (approvals rows of gate `rollback`) on the portable drizzle subset (see portable-db.ts). */
import { and, eq, inArray } from 'drizzle-orm';
import { ROLLBACK_GATE, type RollbackReads, type RollbackRecord, type RollbackState, type RollbackWrites } from '../../core/store/rollback-repo.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

/** A task is delivered once, so it is rolled back at most once. */
const ROUND = 1;

function toRecord(row: Tables['approvals']['$inferSelect']): RollbackRecord {
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

export function sqlRollbackReads(db: PortableDb, { approvals, tasks }: Tables): RollbackReads {
  return {
    async ofTask(taskId) {
      const row = first(await db.select().from(approvals).where(and(eq(approvals.taskId, taskId), eq(approvals.gate, ROLLBACK_GATE))).limit(1));
      return row ? toRecord(row) : null;
    },
    async byId(id) {
      const row = first(await db.select().from(approvals).where(and(eq(approvals.id, id), eq(approvals.gate, ROLLBACK_GATE))));
      return row ? toRecord(row) : null;
    },
    async inProgress(projectId) {
      const row = first(
        await db
          .select({ taskId: approvals.taskId, state: approvals.state })
          .from(approvals)
          .innerJoin(tasks, eq(tasks.id, approvals.taskId))
          .where(and(eq(tasks.projectId, projectId), eq(approvals.gate, ROLLBACK_GATE), inArray(approvals.state, ['requested', 'hook-started'])))
          .limit(1),
      );
      return row ? { taskId: row.taskId, state: row.state as RollbackState } : null;
    },
  };
}

export function sqlRollbackWrites(db: PortableDb, { approvals }: Tables): RollbackWrites {
  return {
    async claim(claim) {
      const rows = await db
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
        .returning({ id: approvals.id });
      return rows.length === 1;
    },
    async advance(id, from, to, outcome) {
      const rows = await db
        .update(approvals)
        .set({ state: to, ...(outcome !== null ? { reason: outcome } : {}) })
        .where(and(eq(approvals.id, id), eq(approvals.gate, ROLLBACK_GATE), eq(approvals.state, from)))
        .returning({ id: approvals.id });
      return rows.length === 1;
    },
  };
}
