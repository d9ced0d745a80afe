/**
 * Approve / Reject presses. The data is verified (MAC) before anything else; only the project's
 * approvers decide, anyone else gets an alert and nothing changes; a decision is taken once and a
 * second press answers who decided and when. Reject asks for the reason in a conversation whose
 * state lives in the store, so it survives a restart. A press on a copy other than the recorded
 * message (a duplicate sent again after a crash, ADR 0022) also puts the decision on that copy and
 * removes its buttons; the recorded message is edited by the outbox.
 */
import type { Conversation } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Locale } from '../../core/config/config.ts';
import { displayText } from '../../core/display-text.ts';
import type { Engine } from '../../core/engine/engine.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { describeError } from '../../core/errors.ts';
import { getApproval } from '../../core/store/approval-repo.ts';
import type { Store } from '../../core/store/store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { approvalRight, decideApproval, type ActionResult, type TaskActionDeps } from '../../core/actions/task-actions.ts';
import type { Access } from './access.ts';
import { actorOf, type BotContext } from './bot-context.ts';
import type { CallbackSigner } from './callback-data.ts';
import { buttonTexts } from './button-texts.ts';
import { approvalHtml, showOnCopy } from './approval-copy.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export const REJECT_CONVERSATION = 'reject-reason';
const REASON_WAIT_MS = 30 * 60_000;

export interface ApprovalDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly access: Access;
  readonly signer: CallbackSigner;
  readonly locale: Locale;
  /** The forge repository's browser links of a project (the BRD link), or null. */
  readonly forgeLinks: ForgeLinksOf;
  readonly logger: Logger;
}

/** Handle a button press (`callback_query:data`). */
export async function onApprovalPress(ctx: BotContext, deps: ApprovalDeps): Promise<void> {
  const T = buttonTexts(deps.locale);
  const parsed = deps.signer.parse(ctx.callbackQuery?.data);
  if (parsed.type !== 'approval') {
    await ctx.answerCallbackQuery({ text: T.invalid, show_alert: true });
    return;
  }
  const approval = await getApproval(deps.store.db, parsed.approvalId);
  const task = approval ? await getTask(deps.store.db, approval.taskId) : null;
  const project = task ? deps.access.project(task.projectId) : undefined;
  if (!approval || !task || !project || String(ctx.chat?.id) !== project.chatId) {
    await ctx.answerCallbackQuery({ text: T.invalid, show_alert: true });
    return;
  }
  const from = ctx.from;
  const isDeploy = approval.gate === 'deploy';
  // The same rule as the dashboard's controls (core/actions/task-actions.ts).
  const right = from ? approvalRight(project, task, approval, from.id) : ({ type: isDeploy ? 'not-deploy-approver' : 'not-approver', projectId: project.id } as const);
  if (right.type !== 'allowed' || !from) {
    const text = right.type === 'requester' ? T.fourEyes(task.id) : right.type === 'not-deploy-approver' ? T.notDeployApprover(project.id) : T.notApprover(project.id);
    await ctx.answerCallbackQuery({ text, show_alert: true });
    return;
  }
  const pressed = ctx.callbackQuery?.message?.message_id ?? null;
  if (approval.state !== 'pending') {
    await ctx.answerCallbackQuery({ text: T.alreadyDecided(approval.state, displayText(approval.decidedByName ?? '?'), approval.decidedAt ?? 0), show_alert: true });
    await decideCopy(ctx, deps, approval.id, pressed);
    return;
  }
  if (parsed.action === 'approve') {
    const result = await decideApproval(actionDeps(deps), approval.id, 'approve', { userId: from.id, actor: actorOf(from) });
    const applied = result.type === 'outcome' && result.outcome.type === 'applied';
    await answerOutcome(ctx, deps, approval.id, applied ? (isDeploy ? T.deployApproved(task.id) : T.approved(task.id)) : null);
    await decideCopy(ctx, deps, approval.id, pressed);
    return;
  }
  await ctx.answerCallbackQuery({ text: T.askReasonShort });
  // A second Reject press while we already wait for this person's reason asks nothing new.
  if (ctx.conversation.active(REJECT_CONVERSATION) > 0) return;
  await ctx.conversation.enter(REJECT_CONVERSATION, approval.id, pressed);
}

/**
 * Put a taken decision on the pressed message when it is not the recorded one (a stray copy);
 * a failure is logged, never shown: the decision itself is recorded already.
 */
async function decideCopy(ctx: Context, deps: ApprovalDeps, approvalId: string, pressed: number | null): Promise<void> {
  const html = await strayCopyHtml(deps, approvalId, pressed);
  if (html === null || pressed === null || !ctx.chat) return;
  try {
    await showOnCopy(ctx.api, ctx.chat.id, pressed, html, `showing the decision on a copy of approval ${approvalId}`);
    deps.logger.info({ approval: approvalId, message: pressed }, 'decision shown on a duplicate approval message');
  } catch (error) {
    deps.logger.warn({ approval: approvalId, message: pressed, error: describeError(error) }, 'could not show the decision on a duplicate approval message');
  }
}

/** The decided approval's HTML when `pressed` is a copy other than the recorded message; else null. */
async function strayCopyHtml(deps: ApprovalDeps, approvalId: string, pressed: number | null): Promise<string | null> {
  const approval = await getApproval(deps.store.db, approvalId);
  const task = approval ? await getTask(deps.store.db, approval.taskId) : null;
  if (!approval || !task || approval.state === 'pending' || pressed === null || pressed === approval.messageId) return null;
  return approvalHtml(task, approval, deps.forgeLinks(task.projectId), deps.locale, deps.access.project(task.projectId)?.deploy);
}

/** The reject conversation: ask the presser for a reason, then record the rejection with it. */
export function rejectReasonConversation(deps: ApprovalDeps) {
  return async function rejectReason(conversation: Conversation<BotContext, Context>, ctx: Context, approvalId: string, pressed: number | null = null): Promise<void> {
    const T = buttonTexts(deps.locale);
    const from = ctx.from;
    if (!from) return;
    const subject = await conversation.external(async () => {
      const approval = await getApproval(deps.store.db, approvalId);
      const task = approval ? await getTask(deps.store.db, approval.taskId) : null;
      return task && approval ? { task, isDeploy: approval.gate === 'deploy' } : null;
    });
    if (!subject) return;
    const { task, isDeploy } = subject;
    // Silent: only approval requests and escalations notify; the presser is looking at the chat.
    await ctx.reply((isDeploy ? T.deployAskReason : T.askReason)(displayText(from.first_name), task.id), { disable_notification: true, reply_markup: { force_reply: true, selective: true } });
    const answer = await conversation.waitUntil((c) => c.from?.id === from.id && typeof c.message?.text === 'string' && !c.message.text.startsWith('/'), {
      next: true,
      maxMilliseconds: REASON_WAIT_MS,
    });
    const reason = (answer.message?.text ?? '').trim().slice(0, 2000);
    const outcome = await conversation.external(async () => outcomeOf(await decideApproval(actionDeps(deps), approvalId, 'reject', { userId: from.id, actor: actorOf(from) }, reason)));
    if (outcome.type === 'applied') await answer.reply((isDeploy ? T.deployRejected : T.rejected)(task.id), { disable_notification: true });
    const strayHtml = await conversation.external(async () => await strayCopyHtml(deps, approvalId, pressed));
    if (strayHtml !== null && pressed !== null && ctx.chat) {
      await showOnCopy(ctx.api, ctx.chat.id, pressed, strayHtml, `showing the rejection on a copy of approval ${approvalId}`).catch((error: unknown) =>
        deps.logger.warn({ approval: approvalId, message: pressed, error: describeError(error) }, 'could not show the decision on a duplicate approval message'),
      );
    }
    if (outcome.type === 'applied') return;
    if (outcome.type === 'already-decided') {
      const approval = await conversation.external(async () => await getApproval(deps.store.db, approvalId));
      await answer.reply(T.alreadyDecided(approval?.state ?? 'decided', displayText(approval?.decidedByName ?? '?'), approval?.decidedAt ?? 0), { disable_notification: true });
    }
  };
}

function actionDeps(deps: ApprovalDeps): TaskActionDeps {
  return { store: deps.store, engine: deps.engine, project: (id) => deps.access.project(id) };
}

/** The shared action's result as the conversation answers it: applied, decided already, or refused. */
function outcomeOf(result: ActionResult): { type: 'applied' | 'already-decided' | 'refused' } {
  if (result.type === 'already-decided') return { type: 'already-decided' };
  if (result.type !== 'outcome') return { type: 'refused' };
  const type = result.outcome.type;
  return { type: type === 'applied' ? 'applied' : type === 'already-decided' || type === 'duplicate' ? 'already-decided' : 'refused' };
}

async function answerOutcome(ctx: BotContext, deps: ApprovalDeps, approvalId: string, success: string | null): Promise<void> {
  const T = buttonTexts(deps.locale);
  if (success) {
    await ctx.answerCallbackQuery({ text: success });
    return;
  }
  // Someone decided between our read and our write.
  const approval = await getApproval(deps.store.db, approvalId);
  await ctx.answerCallbackQuery({ text: T.alreadyDecided(approval?.state ?? 'decided', displayText(approval?.decidedByName ?? '?'), approval?.decidedAt ?? 0), show_alert: true });
}
