/**
 * Approve / Reject presses. The data is verified (MAC) before anything else; only the project's
 * approvers decide, anyone else gets an alert and nothing changes; a decision is taken once and a
 * second press answers who decided and when. Reject asks for the reason in a conversation whose
 * state lives in the store, so it survives a restart.
 */
import type { Conversation } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Locale } from '../../core/config/config.ts';
import type { Engine } from '../../core/engine/engine.ts';
import { getApproval } from '../../core/store/approval-repo.ts';
import type { Store } from '../../core/store/database.ts';
import { getTask } from '../../core/store/task-repo.ts';
import type { Access } from './access.ts';
import { actorOf, type BotContext } from './bot-context.ts';
import type { CallbackSigner } from './callback-data.ts';
import { buttonTexts } from './button-texts.ts';

export const REJECT_CONVERSATION = 'reject-reason';
const REASON_WAIT_MS = 30 * 60_000;

export interface ApprovalDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly access: Access;
  readonly signer: CallbackSigner;
  readonly locale: Locale;
}

/** Handle a button press (`callback_query:data`). */
export async function onApprovalPress(ctx: BotContext, deps: ApprovalDeps): Promise<void> {
  const T = buttonTexts(deps.locale);
  const parsed = deps.signer.parse(ctx.callbackQuery?.data);
  if (parsed.type === 'invalid') {
    await ctx.answerCallbackQuery({ text: T.invalid, show_alert: true });
    return;
  }
  const approval = getApproval(deps.store.db, parsed.approvalId);
  const task = approval ? getTask(deps.store.db, approval.taskId) : null;
  const project = task ? deps.access.project(task.projectId) : undefined;
  if (!approval || !task || !project || String(ctx.chat?.id) !== project.chatId) {
    await ctx.answerCallbackQuery({ text: T.invalid, show_alert: true });
    return;
  }
  const from = ctx.from;
  if (!from || !deps.access.isApprover(project, from.id)) {
    await ctx.answerCallbackQuery({ text: T.notApprover(project.id), show_alert: true });
    return;
  }
  if (approval.state !== 'pending') {
    await ctx.answerCallbackQuery({ text: T.alreadyDecided(approval.state, approval.decidedByName ?? '?', approval.decidedAt ?? 0), show_alert: true });
    return;
  }
  if (parsed.action === 'approve') {
    const outcome = deps.engine.handle({ type: 'ApprovalDecided', key: `approval:${approval.id}`, taskId: task.id, approvalId: approval.id, decision: 'approve', actor: actorOf(from) });
    await answerOutcome(ctx, deps, approval.id, outcome.type === 'applied' ? T.approved(task.id) : null);
    return;
  }
  await ctx.answerCallbackQuery({ text: T.askReasonShort });
  // A second Reject press while we already wait for this person's reason asks nothing new.
  if (ctx.conversation.active(REJECT_CONVERSATION) > 0) return;
  await ctx.conversation.enter(REJECT_CONVERSATION, approval.id);
}

/** The reject conversation: ask the presser for a reason, then record the rejection with it. */
export function rejectReasonConversation(deps: ApprovalDeps) {
  return async function rejectReason(conversation: Conversation<BotContext, Context>, ctx: Context, approvalId: string): Promise<void> {
    const T = buttonTexts(deps.locale);
    const from = ctx.from;
    if (!from) return;
    const task = await conversation.external(() => {
      const approval = getApproval(deps.store.db, approvalId);
      return approval ? getTask(deps.store.db, approval.taskId) : null;
    });
    if (!task) return;
    // Silent: only approval requests and escalations notify; the presser is looking at the chat.
    await ctx.reply(T.askReason(from.first_name, task.id), { disable_notification: true, reply_markup: { force_reply: true, selective: true } });
    const answer = await conversation.waitUntil((c) => c.from?.id === from.id && typeof c.message?.text === 'string' && !c.message.text.startsWith('/'), {
      next: true,
      maxMilliseconds: REASON_WAIT_MS,
    });
    const reason = (answer.message?.text ?? '').trim().slice(0, 2000);
    const outcome = await conversation.external(() =>
      deps.engine.handle({ type: 'ApprovalDecided', key: `approval:${approvalId}`, taskId: task.id, approvalId, decision: 'reject', reason, actor: actorOf(from) }),
    );
    if (outcome.type === 'applied') await answer.reply(T.rejected(task.id), { disable_notification: true });
    else if (outcome.type === 'already-decided' || outcome.type === 'duplicate') {
      const approval = await conversation.external(() => getApproval(deps.store.db, approvalId));
      await answer.reply(T.alreadyDecided(approval?.state ?? 'decided', approval?.decidedByName ?? '?', approval?.decidedAt ?? 0), { disable_notification: true });
    }
  };
}

async function answerOutcome(ctx: BotContext, deps: ApprovalDeps, approvalId: string, success: string | null): Promise<void> {
  const T = buttonTexts(deps.locale);
  if (success) {
    await ctx.answerCallbackQuery({ text: success });
    return;
  }
  // Someone decided between our read and our write.
  const approval = getApproval(deps.store.db, approvalId);
  await ctx.answerCallbackQuery({ text: T.alreadyDecided(approval?.state ?? 'decided', approval?.decidedByName ?? '?', approval?.decidedAt ?? 0), show_alert: true });
}
