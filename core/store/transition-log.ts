/** The append-only transition log. A non-null event key appears at most once (replays are no-ops). */
import type { Reader, Tx } from './store.ts';

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
  await tx.write.transitions.append(row);
}

export async function hasEventKey(reader: Reader, key: string): Promise<boolean> {
  return await reader.read.transitions.hasEventKey(key);
}

export async function transitionsOf(reader: Reader, taskId: string): Promise<TransitionRow[]> {
  return await reader.read.transitions.ofTask(taskId);
}

export async function lastTransition(reader: Reader, taskId: string): Promise<TransitionRow | null> {
  return await reader.read.transitions.last(taskId);
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
