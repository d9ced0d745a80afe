/**
 * A task's deploy state (core/deploy/deploy-state.ts), kept as versioned JSON in the `kv` table
 * under `deploy-state:<task id>`: one current pass per task, so no table of its own is needed.
 */
import { eq } from 'drizzle-orm';
import type { DeployState } from '../deploy/deploy-state.ts';
import { readerDb, type Reader, type Tx } from './database.ts';
import { kv } from './schema.ts';

function keyOf(taskId: string): string {
  return `deploy-state:${taskId}`;
}

/** The stored state, or null when none (or when it was written by an unknown version). */
export async function loadDeployState(reader: Reader, taskId: string): Promise<DeployState | null> {
  const db = readerDb(reader);
  const row = db
    .select()
    .from(kv)
    .where(eq(kv.key, keyOf(taskId)))
    .get();
  if (!row) return null;
  try {
    const state = JSON.parse(row.value) as Partial<DeployState>;
    return state.v === 1 && state.taskId === taskId ? (state as DeployState) : null;
  } catch {
    return null;
  }
}

export async function saveDeployState(tx: Tx, state: DeployState, now: number): Promise<void> {
  const value = JSON.stringify(state);
  tx.db
    .insert(kv)
    .values({ key: keyOf(state.taskId), value, updatedAt: now })
    .onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now } })
    .run();
}
