/**
 * The tasks a reconciler pass reads: not finished, not escalated (and not blocked, when that guard
 * is on), unchanged for at least their stage's grace, with no queued or running job. Paged by
 * keyset, one working stage after another: each page is one range scan of the tasks_stage index
 * (stage, escalated, updated_at) from where the last page stopped, reading at most `pageSize` rows
 * whatever they turn out to be, so one page's synchronous work is bounded even when most rows in
 * range are busy with a job. A page may therefore hold fewer tasks than it read, or none; only a
 * null `next` ends the pass. A pass reads each row that can qualify once, whatever the table's size.
 */
import { ALL_STAGES, type WorkStage } from '../domain/stage.ts';
import type { Task } from '../domain/task.ts';
import type { Store } from '../store/store.ts';

/** Which tasks a pass reads, and how many rows per page. */
export interface CandidateQuery {
  readonly now: number;
  /** Grace in ms per stage (stages not listed use `defaultGraceMs`). */
  readonly graceMs: Readonly<Record<string, number>>;
  readonly defaultGraceMs: number;
  readonly skipBlocked: boolean;
  /** Rows read per page (the bound on one page's synchronous work). */
  readonly pageSize: number;
}

/** Where the next page starts: a stage, and the last (updatedAt, id) read in it. */
export interface CandidateCursor {
  readonly stage: WorkStage;
  readonly updatedAt: number;
  readonly id: string;
}

/** The candidates among the next `pageSize` rows after `cursor`, and where the page after starts (null: done). */
export async function candidatePage(store: Store, q: CandidateQuery, cursor: CandidateCursor | null): Promise<{ tasks: Task[]; next: CandidateCursor | null }> {
  let stageIndex = cursor ? ALL_STAGES.indexOf(cursor.stage) : 0;
  let after = cursor ? { updatedAt: cursor.updatedAt, id: cursor.id } : null;
  let budget = Math.max(1, q.pageSize);
  const wanted: string[] = [];
  while (stageIndex < ALL_STAGES.length) {
    const stage = ALL_STAGES[stageIndex] as WorkStage;
    const cutoff = q.now - (q.graceMs[stage] ?? q.defaultGraceMs);
    // (-1, '') sorts before every row: times are epoch milliseconds.
    const rows = await store.db.read.taskQueries.candidateScan(stage, cutoff, after?.updatedAt ?? -1, after?.id ?? '', budget);
    for (const row of rows) if (!row.busy && !(q.skipBlocked && row.blocked)) wanted.push(row.id);
    budget -= rows.length;
    const last = rows[rows.length - 1];
    if (budget <= 0 && last) return { tasks: await load(store, wanted), next: { stage, updatedAt: last.updatedAt, id: last.id } };
    stageIndex += 1;
    after = null;
  }
  return { tasks: await load(store, wanted), next: null };
}

/** Full rows of `ids`, in the order given. */
async function load(store: Store, ids: readonly string[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  const byId = new Map((await store.db.read.taskQueries.byIds(ids)).map((task) => [task.id, task]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
