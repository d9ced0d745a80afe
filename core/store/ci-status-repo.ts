/** Latest commit status per (repo, sha, context): a newer status for a context replaces the older. */
import { and, eq, sql } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { ciStatuses } from './schema.ts';

export interface CiStatusRow {
  repo: string;
  sha: string;
  context: string;
  state: string;
  description: string;
  targetUrl: string | null;
  statusId: number | null;
  updatedAt: number;
}

/** Record a status; an older status id than the stored one is ignored (latest wins). */
export async function recordStatus(tx: Tx, row: CiStatusRow): Promise<void> {
  tx.db
    .insert(ciStatuses)
    .values(row)
    .onConflictDoUpdate({
      target: [ciStatuses.repo, ciStatuses.sha, ciStatuses.context],
      set: {
        state: row.state,
        description: row.description,
        targetUrl: row.targetUrl,
        statusId: row.statusId,
        updatedAt: row.updatedAt,
      },
      setWhere: sql`${ciStatuses.statusId} IS NULL OR excluded.status_id IS NULL OR excluded.status_id >= ${ciStatuses.statusId}`,
    })
    .run();
}

export async function statusesFor(reader: Reader, repo: string, sha: string): Promise<CiStatusRow[]> {
  const db = readerDb(reader);
  return db
    .select()
    .from(ciStatuses)
    .where(and(eq(ciStatuses.repo, repo), eq(ciStatuses.sha, sha)))
    .all();
}

/** CI status reads of the store port. */
export interface CiStatusReads {
  of(repo: string, sha: string): Promise<CiStatusRow[]>;
}

/** CI status writes of the store port. */
export interface CiStatusWrites {
  /** Upsert per (repo, sha, context); an older status id than the stored one is ignored. */
  record(row: CiStatusRow): Promise<void>;
}
