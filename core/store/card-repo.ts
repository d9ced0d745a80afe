/** Where each task's live card is, and what it last showed (the notifiers keep it). */
import type { Reader, Tx } from './store.ts';

export interface CardRow {
  readonly taskId: string;
  readonly chatId: string;
  readonly messageId: number | null;
  readonly lastRenderHash: string | null;
  readonly updatedAt: number;
}

/** Card reads of the store port. */
export interface CardReads {
  get(taskId: string): Promise<CardRow | null>;
}

/** Card writes of the store port. */
export interface CardWrites {
  /** Insert or replace the task's card row. */
  save(row: CardRow): Promise<void>;
  /** Record the last render's hash (inserting a row without a message when there is none). */
  saveHash(taskId: string, chatId: string, hash: string, now: number): Promise<void>;
}

export async function cardOf(reader: Reader, taskId: string): Promise<CardRow | null> {
  return await reader.read.cards.get(taskId);
}

export async function saveCard(tx: Tx, row: CardRow): Promise<void> {
  await tx.write.cards.save(row);
}

export async function saveCardHash(tx: Tx, taskId: string, chatId: string, hash: string, now: number): Promise<void> {
  await tx.write.cards.saveHash(taskId, chatId, hash, now);
}
