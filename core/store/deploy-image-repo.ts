/** Each project's production image history (design §10): what was deployed, when, by which task, how it ended. */
import type { Reader, Tx } from './store.ts';

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
  await tx.write.deployImages.record(record);
}

/** The project's history, newest first. */
export async function deployImageHistory(reader: Reader, projectId: string, limit = 20): Promise<DeployImageRecord[]> {
  return await reader.read.deployImages.history(projectId, limit);
}

const live = (r: DeployImageRecord): boolean => r.outcome === 'deployed' || r.outcome === 'rolled-back';

/**
 * What production runs now: the newest image that went live (`deployed`, or brought back by a
 * roll-back), or null before the first deploy. Its ref is the next deploy's PREVIOUS_IMAGE.
 */
export async function currentProductionImage(reader: Reader, projectId: string): Promise<DeployImageRecord | null> {
  return (await reader.read.deployImages.history(projectId)).find(live) ?? null;
}

/** The image a one-tap roll-back returns to: the live image before the current one, or null. */
export async function imageBeforeCurrent(reader: Reader, projectId: string): Promise<DeployImageRecord | null> {
  const current = await currentProductionImage(reader, projectId);
  if (!current) return null;
  const before = (await deployImageHistory(reader, projectId, 200)).filter((r) => live(r) && r.imageId !== current.imageId);
  return before[0] ?? null;
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
