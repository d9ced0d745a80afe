/** Job changes made by the engine inside its transaction (the queue itself is `Store.queue`). */
import type { Tx } from './store.ts';

export interface JobWrites {
  /** Make the queued jobs of these kinds of these tasks due at `now`. */
  makeDue(kinds: readonly string[], taskIds: readonly string[], now: number): Promise<void>;
}

/** {@link JobWrites.makeDue}. */
export async function makeJobsDue(tx: Tx, kinds: readonly string[], taskIds: readonly string[], now: number): Promise<void> {
  if (kinds.length === 0 || taskIds.length === 0) return;
  await tx.write.jobs.makeDue(kinds, taskIds, now);
}
