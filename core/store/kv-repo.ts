/** The small key-value table: conversation state, the people directory, reconciler figures, deploy state. */
import type { Reader, Tx } from './store.ts';

/** One key and its value. */
export interface KvEntry {
  readonly key: string;
  readonly value: string;
}

/** Key-value reads of the store port. */
export interface KvReads {
  get(key: string): Promise<string | null>;
  /** Entries whose key starts with `prefix` (no pattern characters are interpreted). */
  withPrefix(prefix: string): Promise<KvEntry[]>;
}

/** Key-value writes of the store port. */
export interface KvWrites {
  put(key: string, value: string, now: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export async function kvGet(reader: Reader, key: string): Promise<string | null> {
  return await reader.read.kv.get(key);
}

export async function kvWithPrefix(reader: Reader, prefix: string): Promise<KvEntry[]> {
  return await reader.read.kv.withPrefix(prefix);
}

export async function kvPut(tx: Tx, key: string, value: string, now: number): Promise<void> {
  await tx.write.kv.put(key, value, now);
}

export async function kvDelete(tx: Tx, key: string): Promise<void> {
  await tx.write.kv.delete(key);
}
