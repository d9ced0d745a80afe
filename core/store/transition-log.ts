/** The append-only transition log. A non-null event key appears at most once (replays are no-ops). */
import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { transitions } from './schema.ts';

export type TransitionRow = typeof transitions.$inferSelect;
export type NewTransition = Omit<TransitionRow, 'id'>;

export function appendTransition(tx: Tx, row: NewTransition): void {
  tx.insert(transitions).values(row).run();
}

export function hasEventKey(db: Db, key: string): boolean {
  return db.select({ id: transitions.id }).from(transitions).where(eq(transitions.eventKey, key)).get() !== undefined;
}

export function transitionsOf(db: Db, taskId: string): TransitionRow[] {
  return db.select().from(transitions).where(eq(transitions.taskId, taskId)).orderBy(transitions.id).all();
}

export function lastTransition(db: Db, taskId: string): TransitionRow | null {
  return db.select().from(transitions).where(eq(transitions.taskId, taskId)).orderBy(desc(transitions.id)).limit(1).get() ?? null;
}
