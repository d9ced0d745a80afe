/**
 * Whether a task's card offers the one-tap roll-back (design §10, ADR 0034): only the card of the
 * project's latest production deploy, while production still runs that deploy and an earlier image
 * exists to go back to. Once a roll-back was confirmed, the card shows it instead, for good.
 */
import type { Task } from '../domain/task.ts';
import type { Reader, Tx } from '../store/store.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import {
  currentProductionImage,
  imageBeforeCurrent,
  type DeployImageRecord,
} from '../store/deploy-image-repo.ts';
import { rollbackOf, type RollbackRecord } from '../store/rollback-repo.ts';
import type { DeployConfig } from './deploy-types.ts';

export type RollbackOffer =
  | { readonly type: 'offer'; readonly current: DeployImageRecord; readonly target: DeployImageRecord }
  | { readonly type: 'ran'; readonly rollback: RollbackRecord }
  | { readonly type: 'none'; readonly reason: string };

export async function rollbackOffer(
  db: Reader,
  deploy: DeployConfig | null | undefined,
  task: Pick<Task, 'id' | 'projectId' | 'stage'>,
): Promise<RollbackOffer> {
  const ran = await rollbackOf(db, task.id);
  if (ran) return { type: 'ran', rollback: ran };
  if (!deploy || task.stage !== 'done') return { type: 'none', reason: `${task.id} was not delivered by a deploy` };
  const current = await currentProductionImage(db, task.projectId);
  if (!current || current.outcome !== 'deployed' || current.taskId !== task.id)
    return { type: 'none', reason: `${task.id} is no longer ${task.projectId}'s latest production deploy` };
  const target = await imageBeforeCurrent(db, task.projectId);
  if (!target) return { type: 'none', reason: `${task.projectId} has no earlier production image to go back to` };
  return { type: 'offer', current, target };
}

/**
 * A new production deploy of `taskId` is being recorded (in `tx`, before its row): the card of the
 * deploy it replaces offers the roll-back no more, so render it again now rather than leave a stale
 * button on it.
 */
export async function withdrawRollbackOffer(tx: Tx, projectId: string, taskId: string, now: number): Promise<void> {
  const replaced = await currentProductionImage(tx, projectId);
  if (replaced && replaced.taskId !== taskId) await addOutbox(tx, 'card', replaced.taskId, {}, now);
}
