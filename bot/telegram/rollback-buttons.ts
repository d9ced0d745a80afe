/**
 * The card's `↩️ Roll back` and its confirmation (design §10, ADR 0034). Deploy approvers only;
 * anyone else gets an alert and nothing changes. The press asks for a confirmation in a message of
 * its own; Confirm hands the decision to the engine, which claims the roll-back once and enqueues
 * its job in one transaction, so a second press (or a second Confirm) answers who was first and
 * never runs the hook again. The handler itself runs nothing.
 */
import type { Bot } from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { Locale } from '../../core/config/config.ts';
import { mayRollBack } from '../../core/deploy/deploy-approvers.ts';
import { rollbackOffer } from '../../core/deploy/rollback-offer.ts';
import { displayText } from '../../core/display-text.ts';
import { actorName } from '../../core/engine/actor-name.ts';
import { randomId, type Engine } from '../../core/engine/engine.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Store } from '../../core/store/store.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { rollbackOf } from '../../core/store/rollback-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { escapeHtml } from '../render/escape-html.ts';
import { rollbackLabelsFor, utcTime } from '../render/rollback-labels.ts';
import type { Access } from './access.ts';
import { actorOf, type BotContext } from './bot-context.ts';
import { buttonTexts } from './button-texts.ts';
import type { CallbackSigner, RollbackAction } from './callback-data.ts';

export interface RollbackButtonDeps {
  readonly store: Store;
  readonly engine: Engine;
  readonly access: Access;
  readonly signer: CallbackSigner;
  readonly locale: Locale;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Take the roll-back presses; every other press goes on to the approval handler. */
export function installRollbackButtons(bot: Bot<BotContext>, deps: RollbackButtonDeps): void {
  bot.on('callback_query:data', async (ctx, next) => {
    const parsed = deps.signer.parse(ctx.callbackQuery.data);
    if (parsed.type !== 'rollback') return next();
    await onRollbackPress(ctx, deps, parsed.action, parsed.taskId);
  });
}

export async function onRollbackPress(ctx: BotContext, deps: RollbackButtonDeps, action: RollbackAction, taskId: string): Promise<void> {
  const L = rollbackLabelsFor(deps.locale);
  const alert = (text: string) => ctx.answerCallbackQuery({ text, show_alert: true });
  const task = await getTask(deps.store.db, taskId);
  const project = task ? deps.access.project(task.projectId) : undefined;
  if (!task || !project || String(ctx.chat?.id) !== project.chatId) {
    await alert(buttonTexts(deps.locale).invalid);
    return;
  }
  const from = ctx.from;
  if (!from || !project.deploy || !mayRollBack(project.deploy, from.id)) {
    await alert(L.notRollbackApprover(project.id));
    return;
  }
  if (project.deploy.self) {
    await alert(L.selfDeploy(project.id));
    return;
  }
  const earlier = await rollbackOf(deps.store.db, task.id);
  if (earlier) {
    await alert(L.alreadyDone(displayText(earlier.byName), utcTime(earlier.at), earlier.state));
    return;
  }
  const name = displayText(actorName(actorOf(from)));
  if (action === 'rollback-cancel') {
    await ctx.answerCallbackQuery();
    await closePrompt(ctx, deps, L.cancelled(task.id, name));
    return;
  }
  const offer = await rollbackOffer(deps.store.db, project.deploy, task);
  if (offer.type !== 'offer') {
    await alert(L.notOffered(task.id));
    // The card still showing the button is stale: render it again without.
    await deps.store.transaction(async (tx) => await addOutbox(tx, 'card', task.id, {}, deps.now()));
    return;
  }
  if (action === 'rollback') {
    await ctx.answerCallbackQuery({ text: L.confirmBelow });
    const keyboard = new InlineKeyboard()
      .text(L.confirm, deps.signer.sign('rollback-confirm', task.id))
      .text(L.cancel, deps.signer.sign('rollback-cancel', task.id));
    await ctx.reply(escapeHtml(L.confirmQuestion(task.id, offer.current.ref, offer.target.ref)), {
      parse_mode: 'HTML',
      reply_markup: keyboard,
      disable_notification: true,
    });
    return;
  }
  const outcome = await deps.engine.handle({ type: 'RollbackRequested', key: `rollback:${task.id}`, taskId: task.id, rollbackId: randomId(), actor: actorOf(from) });
  if (outcome.type === 'applied') {
    await ctx.answerCallbackQuery({ text: L.started(task.id, name, utcTime(deps.now())) });
    await closePrompt(ctx, deps, L.started(task.id, name, utcTime(deps.now())));
    return;
  }
  const first = await rollbackOf(deps.store.db, task.id);
  await alert(first ? L.alreadyDone(displayText(first.byName), utcTime(first.at), first.state) : L.notOffered(task.id));
}

/** The confirmation message says what became of it and loses its buttons; a failure is only logged. */
async function closePrompt(ctx: BotContext, deps: RollbackButtonDeps, text: string): Promise<void> {
  try {
    await ctx.editMessageText(escapeHtml(text), { parse_mode: 'HTML' });
  } catch (error) {
    deps.logger.warn({ error: describeError(error) }, 'could not close the roll-back confirmation');
  }
}
