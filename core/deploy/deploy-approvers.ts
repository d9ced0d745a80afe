/**
 * Who may decide a production approval (design §10): the project's `deploy.approvers` (which
 * default to the project's approvers when the file gives none); with `fourEyes`, never the person
 * who requested the task. Pure; the bot answers a refusal with an alert.
 */
import type { DeployConfig } from './deploy-types.ts';

export type DeployDecisionRight =
  | { readonly type: 'allowed' }
  | { readonly type: 'not-approver' }
  /** Four-eyes: the presser requested the task. */
  | { readonly type: 'requester' };

/**
 * May `userId` decide the deploy? `requesterId` is the Telegram id of whoever requested the task
 * (the `/new` sender), or null when unknown (a tracker issue whose creator has no Telegram id):
 * four-eyes then cannot exclude anyone (ADR 0028).
 */
export function deployDecisionRight(
  deploy: Pick<DeployConfig, 'approvers' | 'fourEyes'>,
  userId: number,
  requesterId: number | null,
): DeployDecisionRight {
  if (!deploy.approvers.includes(userId)) return { type: 'not-approver' };
  if (deploy.fourEyes && requesterId !== null && requesterId === userId) return { type: 'requester' };
  return { type: 'allowed' };
}

/** May `userId` press the one-tap rollback? Deploy approvers only; four-eyes does not apply to undoing. */
export function mayRollBack(deploy: Pick<DeployConfig, 'approvers'>, userId: number): boolean {
  return deploy.approvers.includes(userId);
}
