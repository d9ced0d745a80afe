/**
 * A task's deploy state (core/deploy/deploy-state.ts), kept as versioned JSON in the `kv` table
 * under `deploy-state:<task id>`: one current pass per task, so no table of its own is needed.
 */
import type { DeployState } from '../deploy/deploy-state.ts';
import type { Reader, Tx } from './store.ts';

function keyOf(taskId: string): string {
  return `deploy-state:${taskId}`;
}

/** The stored state, or null when none (or when it was written by an unknown version). */
export async function loadDeployState(reader: Reader, taskId: string): Promise<DeployState | null> {
  const value = await reader.read.kv.get(keyOf(taskId));
  if (value === null) return null;
  try {
    const state = JSON.parse(value) as Partial<DeployState>;
    return state.v === 1 && state.taskId === taskId ? (state as DeployState) : null;
  } catch {
    return null;
  }
}

export async function saveDeployState(tx: Tx, state: DeployState, now: number): Promise<void> {
  await tx.write.kv.put(keyOf(state.taskId), JSON.stringify(state), now);
}
