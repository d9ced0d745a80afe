/** The append-only transition log. A non-null event key appears at most once (replays are no-ops). */
import { desc, eq } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { transitions } from './schema.ts';

/** One logged transition. */
export interface TransitionRow {
  id: number;
  taskId: string;
  fromStage: string | null;
  fromPhase: string | null;
  toStage: string;
  toPhase: string;
  reason: string;
  actor: string;
  eventKey: string | null;
  at: number;
}
export type NewTransition = Omit<TransitionRow, 'id'>;

export async function appendTransition(tx: Tx, row: NewTransition): Promise<void> {
  tx.db.insert(transitions).values(row).run();
}

export async function hasEventKey(reader: Reader, key: string): Promise<boolean> {
  const db = readerDb(reader);
  return (
    db.select({ id: transitions.id }).from(transitions).where(eq(transitions.eventKey, key)).get() !==
    undefined
  );
}

export async function transitionsOf(reader: Reader, taskId: string): Promise<TransitionRow[]> {
  const db = readerDb(reader);
  return db.select().from(transitions).where(eq(transitions.taskId, taskId)).orderBy(transitions.id).all();
}

export async function lastTransition(reader: Reader, taskId: string): Promise<TransitionRow | null> {
  const db = readerDb(reader);
  return (
    db
      .select()
      .from(transitions)
      .where(eq(transitions.taskId, taskId))
      .orderBy(desc(transitions.id))
      .limit(1)
      .get() ?? null
  );
}

/** Transition-log reads of the store port. */
export interface TransitionReads {
  hasEventKey(key: string): Promise<boolean>;
  /** A task's transitions, oldest first. */
  ofTask(taskId: string): Promise<TransitionRow[]>;
  last(taskId: string): Promise<TransitionRow | null>;
}

/** Transition-log writes of the store port. */
export interface TransitionWrites {
  append(row: NewTransition): Promise<void>;
}
