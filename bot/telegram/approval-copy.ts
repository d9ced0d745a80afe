/**
 * One approval message as Telegram shows it, and putting a decision on any copy of it. A crash
 * after Telegram accepted the request and before Conveyor recorded its message id sends it again
 * after the restart (Telegram has no idempotency key), so two copies may exist: the recorded one
 * is edited by the outbox, a pressed stray copy by the press itself (ADR 0022).
 */
import type { Api } from 'grammy';
import type { Locale } from '../../core/config/config.ts';
import { artifactsDirOf, type Task } from '../../core/domain/task.ts';
import type { ApprovalRow } from '../../core/store/approval-repo.ts';
import type { DeployConfig } from '../../core/deploy/deploy-types.ts';
import type { RepoLinks } from '../../core/ports/forge-links.ts';
import { trackerName } from '../render/tracker-name.ts';
import { renderApproval } from '../render/render-approval.ts';
import { renderDeployApproval, type DeployApprovalView } from '../render/render-deploy-approval.ts';
import { isMessageGone, isNotModified, translateTelegramError } from './telegram-errors.ts';

/** The approval message's HTML (its decision shown once taken); `forge` builds the repository's browser links. */
export function approvalHtml(task: Task, approval: ApprovalRow, forge: RepoLinks | null, locale: Locale, deploy?: DeployConfig): string {
  if (approval.gate === 'deploy') return renderDeployApproval(deployViewOf(task, forge, deploy), approval, locale, 'html').text;
  const brd = forge ? forge.file(task.branch, `${artifactsDirOf(task.id)}/01-brd.md`) : null;
  return renderApproval(task, approval, { brd, tracker: task.externalUrl }, locale, 'html');
}

/** Show `html` on message `messageId` without buttons; a copy already showing it, or gone, is fine. */
export async function showOnCopy(api: Api, chatId: string | number, messageId: number, html: string, what: string): Promise<void> {
  try {
    // No reply_markup: the buttons go away.
    await api.editMessageText(chatId, messageId, html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  } catch (error) {
    if (isNotModified(error) || isMessageGone(error)) return;
    throw translateTelegramError(what, error);
  }
}

/** What the production approval shows of `task` (design §10): the validated image and its revision. */
export function deployViewOf(task: Task, forge: RepoLinks | null, deploy: DeployConfig | undefined): DeployApprovalView {
  const revision = task.stagingRevision ?? task.headSha ?? '';
  return {
    taskId: task.id,
    title: task.title,
    staging: { verdict: task.stagingVerdict ?? 'FAILED', waived: task.stagingWaived ?? [] },
    image: { ref: task.stagingImageRef ?? '', id: task.stagingImageId ?? '' },
    targetImage: `${deploy?.image ?? '?'}:${revision}`,
    revision,
    fourEyes: deploy?.fourEyes ?? false,
    links: {
      tracker: task.externalUrl,
      trackerName: trackerName(task),
      pr: forge && task.prNumber !== null ? forge.pr(task.prNumber) : null,
      report: forge ? forge.file(task.branch, `${artifactsDirOf(task.id)}/14-staging-report.md`) : null,
    },
  };
}
