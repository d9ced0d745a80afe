/** Latest commit status per (repo, sha, context): a newer status for a context replaces the older. */
import type { Reader, Tx } from './store.ts';

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
  await tx.write.ciStatuses.record(row);
}

export async function statusesFor(reader: Reader, repo: string, sha: string): Promise<CiStatusRow[]> {
  return await reader.read.ciStatuses.of(repo, sha);
}

/** CI status reads of the store port. */
export interface CiStatusReads {
  of(repo: string, sha: string): Promise<CiStatusRow[]>;
  /** Up to `limit` shas of `repo` with statuses updated since `since`, other than `head`, newest first. */
  recentShas(repo: string, since: number, head: string, limit: number): Promise<string[]>;
}

/** CI status writes of the store port. */
export interface CiStatusWrites {
  /** Upsert per (repo, sha, context); an older status id than the stored one is ignored. */
  record(row: CiStatusRow): Promise<void>;
}
