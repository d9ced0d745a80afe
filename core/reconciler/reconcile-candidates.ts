/**
 * The tasks a reconciler pass reads: not finished, not escalated (and not blocked, when that guard
 * is on), unchanged for at least their stage's grace, with no queued or running job. Paged by
 * keyset, one working stage after another: each page is one range scan of the tasks_stage index
 * (stage, escalated, updated_at) from where the last page stopped, reading at most `pageSize` rows
 * whatever they turn out to be, so one page's synchronous work is bounded even when most rows in
 * range are busy with a job. A page may therefore hold fewer tasks than it read, or none; only a
 * null `next` ends the pass. A pass reads each row that can qualify once, whatever the table's size.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { ALL_STAGES, type WorkStage } from '../domain/stage.ts';
import type { Task } from '../domain/task.ts';
import type { Store } from '../store/database.ts';
import { tasks } from '../store/schema.ts';
import { taskFromRow } from './task-row.ts';

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
export function candidatePage(store: Store, q: CandidateQuery, cursor: CandidateCursor | null): { tasks: Task[]; next: CandidateCursor | null } {
  let stageIndex = cursor ? ALL_STAGES.indexOf(cursor.stage) : 0;
  let after = cursor ? { updatedAt: cursor.updatedAt, id: cursor.id } : null;
  let budget = Math.max(1, q.pageSize);
  const wanted: string[] = [];
  while (stageIndex < ALL_STAGES.length) {
    const stage = ALL_STAGES[stageIndex] as WorkStage;
    const rows = scan(store, q, stage, after, budget);
    for (const row of rows) if (!row.busy && !(q.skipBlocked && row.blocked)) wanted.push(row.id);
    budget -= rows.length;
    const last = rows[rows.length - 1];
    if (budget <= 0 && last) return { tasks: load(store, wanted), next: { stage, updatedAt: last.updatedAt, id: last.id } };
    stageIndex += 1;
    after = null;
  }
  return { tasks: load(store, wanted), next: null };
}

/** The next rows of one stage in (updated_at, id) order, with whether each has an active job. */
function scan(store: Store, q: CandidateQuery, stage: WorkStage, after: { updatedAt: number; id: string } | null, limit: number) {
  const cutoff = q.now - (q.graceMs[stage] ?? q.defaultGraceMs);
  // (-1, '') sorts before every row: times are epoch milliseconds.
  const rows = statements(store).scan.all({ stage, cutoff, afterAt: after?.updatedAt ?? -1, afterId: after?.id ?? '', limit });
  return rows.map((row) => ({ ...row, busy: Boolean(row.busy) }));
}

/** Full rows of `ids`, in the order given. */
function load(store: Store, ids: readonly string[]): Task[] {
  if (ids.length === 0) return [];
  const byId = new Map(statements(store).load.all({ ids: JSON.stringify(ids) }).map((row) => [row.id, taskFromRow(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The page's two statements, built once per store: a pass at 100k tasks runs them a hundred times. */
function prepareStatements(store: Store) {
  return {
    scan: store.db
      .select({
        id: tasks.id,
        updatedAt: tasks.updatedAt,
        blocked: tasks.blocked,
        // Spelled out: drizzle would leave the outer column unqualified inside the subquery.
        busy: sql<number>`EXISTS (SELECT 1 FROM jobs WHERE jobs.task_id = tasks.id AND jobs.state IN ('queued', 'running'))`,
      })
      .from(tasks)
      .where(
        and(
          eq(tasks.stage, sql.placeholder('stage')),
          eq(tasks.escalated, false),
          lte(tasks.updatedAt, sql.placeholder('cutoff')),
          sql`(${tasks.updatedAt}, ${tasks.id}) > (${sql.placeholder('afterAt')}, ${sql.placeholder('afterId')})`,
        ),
      )
      .orderBy(asc(tasks.updatedAt), asc(tasks.id))
      .limit(sql.placeholder('limit'))
      .prepare(),
    load: store.db
      .select()
      .from(tasks)
      .where(sql`${tasks.id} IN (SELECT value FROM json_each(${sql.placeholder('ids')}))`)
      .prepare(),
  };
}

const PREPARED = new WeakMap<Store, ReturnType<typeof prepareStatements>>();

function statements(store: Store): ReturnType<typeof prepareStatements> {
  let prepared = PREPARED.get(store);
  if (!prepared) PREPARED.set(store, (prepared = prepareStatements(store)));
  return prepared;
}
