/** Each project's production image history (design §10): what was deployed, when, by which task, how it ended. */
import { desc, eq } from 'drizzle-orm';
import { readerDb, type Reader, type Tx } from './database.ts';
import { deployImages } from './schema.ts';

/** How a deploy of an image ended. */
export type DeployImageOutcome = 'deployed' | 'failed' | 'restored' | 'rolled-back';

export interface DeployImageRecord {
  readonly projectId: string;
  readonly imageId: string;
  readonly ref: string;
  readonly sha: string;
  readonly taskId: string;
  readonly deployedAt: number;
  readonly outcome: DeployImageOutcome;
}

export async function recordDeployImage(tx: Tx, record: DeployImageRecord): Promise<void> {
  tx.db.insert(deployImages).values(record).run();
}

/** The project's history, newest first. */
export async function deployImageHistory(
  reader: Reader,
  projectId: string,
  limit = 20,
): Promise<DeployImageRecord[]> {
  const db = readerDb(reader);
  return db
    .select()
    .from(deployImages)
    .where(eq(deployImages.projectId, projectId))
    .orderBy(desc(deployImages.id))
    .limit(limit)
    .all()
    .map(toRecord);
}

/**
 * What production runs now: the newest image that went live (`deployed`, or brought back by a
 * roll-back), or null before the first deploy. Its ref is the next deploy's PREVIOUS_IMAGE.
 */
export async function currentProductionImage(
  reader: Reader,
  projectId: string,
): Promise<DeployImageRecord | null> {
  const db = readerDb(reader);
  const row = db
    .select()
    .from(deployImages)
    .where(eq(deployImages.projectId, projectId))
    .orderBy(desc(deployImages.id))
    .all()
    .find((r) => r.outcome === 'deployed' || r.outcome === 'rolled-back');
  return row ? toRecord(row) : null;
}

/** The image a one-tap roll-back returns to: the live image before the current one, or null. */
export async function imageBeforeCurrent(
  reader: Reader,
  projectId: string,
): Promise<DeployImageRecord | null> {
  const db = readerDb(reader);
  const current = await currentProductionImage(db, projectId);
  if (!current) return null;
  const live = (await deployImageHistory(db, projectId, 200)).filter(
    (r) => (r.outcome === 'deployed' || r.outcome === 'rolled-back') && r.imageId !== current.imageId,
  );
  return live[0] ?? null;
}

function toRecord(row: typeof deployImages.$inferSelect): DeployImageRecord {
  return {
    projectId: row.projectId,
    imageId: row.imageId,
    ref: row.ref,
    sha: row.sha,
    taskId: row.taskId,
    deployedAt: row.deployedAt,
    outcome: row.outcome as DeployImageOutcome,
  };
}

/** Deploy image reads of the store port. */
export interface DeployImageReads {
  /** The project's history, newest first; all of it when `limit` is undefined. */
  history(projectId: string, limit?: number): Promise<DeployImageRecord[]>;
}

/** Deploy image writes of the store port. */
export interface DeployImageWrites {
  record(record: DeployImageRecord): Promise<void>;
}
