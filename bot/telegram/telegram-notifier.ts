/**
 * The NotifierPort on Telegram: cards through the CardPublisher, approval requests as notifying
 * messages with signed Approve/Reject buttons, decisions edited into the approval message (buttons
 * removed), escalations as one notifying message, notices silently. Every send waits for the pacer
 * (the API's pacing transformer); a card is rendered again when its slot comes, so it shows the
 * latest state, with the running agent's last log line.
 */
import type { Api } from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { Locale } from '../../core/config/config.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import type { OutboxMessage } from '../../core/notify/outbox-message.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { NotifierPort } from '../../core/ports/notifier.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import { crashPoint } from '../../core/fault/crash-point.ts';
import { getApproval, setApprovalMessage } from '../../core/store/approval-repo.ts';
import type { Store } from '../../core/store/store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { escapeHtml } from '../render/escape-html.ts';
import { labelsFor } from '../render/labels.ts';
import { renderCard } from '../render/render-card.ts';
import { localizeEvent } from '../render/event-text.ts';
import type { NameOf } from '../render/person-name.ts';
import { runningAgentLine, type AgentLogReader } from './agent-log-line.ts';
import type { CallbackSigner } from './callback-data.ts';
import type { CardPublisher } from './card-publisher.ts';
import type { SendPacer } from './send-pacer.ts';
import { approvalHtml, showOnCopy } from './approval-copy.ts';
import { deployLabelsFor } from '../render/deploy-labels.ts';
import { translateTelegramError } from './telegram-errors.ts';
import { rollbackKeyboard } from './rollback-keyboard.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export interface TelegramNotifierDeps {
  readonly api: Api;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly locale: Locale;
  readonly maxRollbacks: number;
  readonly clock: Clock;
  readonly cards: CardPublisher;
  /** The pacer every send waits on (the API's pacing transformer and the card publisher share it). */
  readonly pacer: SendPacer;
  readonly signer: CallbackSigner;
  /** The forge repository's browser links of a project (per its `forge`), or null. */
  readonly forgeLinks: ForgeLinksOf;
  readonly onCall?: (method: string) => void;
  /** The running agent's last log line (cheap: reads the log's tail). */
  readonly agentLogLine?: AgentLogReader;
  /** People's names learnt from the chat (ids are shown without it). */
  readonly names?: NameOf;
}

export class TelegramNotifier implements NotifierPort {
  constructor(private readonly deps: TelegramNotifierDeps) {}

  async deliver(message: OutboxMessage, signal?: AbortSignal): Promise<void> {
    // Waits for a rate-limit slot end when the drain stops; sends under way finish (send-pacer.ts).
    await this.deps.pacer.until(signal, async () => await this.send(message));
  }

  private async send(message: OutboxMessage): Promise<void> {
    const { store } = this.deps;
    const task = await getTask(store.db, message.taskId);
    const project = task ? this.deps.projects.get(task.projectId) : undefined;
    if (!task || !project) return;
    const chatId = project.chatId;
    const L = labelsFor(this.deps.locale);
    switch (message.kind) {
      case 'card':
        await this.deps.cards.publish(task.id, chatId, async () => await this.renderCard(task.id, project), async () =>
          await rollbackKeyboard(store, project, task.id, this.deps.signer, this.deps.locale),
        );
        return;
      case 'approval-request': {
        const approval = await getApproval(store.db, message.approvalId);
        if (!approval || approval.messageId !== null || approval.state !== 'pending') return; // sent already, or decided meanwhile
        const html = approvalHtml(task, approval, this.deps.forgeLinks(project.id), this.deps.locale, project.deploy);
        const texts = approval.gate === 'deploy' ? deployLabelsFor(this.deps.locale) : { deploy: L.approve, reject: L.reject };
        const keyboard = new InlineKeyboard()
          .text(approval.gate === 'deploy' ? texts.deploy : L.approve, this.deps.signer.sign('approve', approval.id))
          .text(texts.reject, this.deps.signer.sign('reject', approval.id));
        const sent = await this.call('sendMessage', `asking approval for ${task.id}`, () =>
          this.deps.api.sendMessage(chatId, html, { parse_mode: 'HTML', reply_markup: keyboard, link_preview_options: { is_disabled: true } }),
        );
        crashPoint('approval-message');
        await store.transaction((tx) => setApprovalMessage(tx, approval.id, chatId, sent.message_id));
        return;
      }
      case 'approval-decided': {
        const approval = await getApproval(store.db, message.approvalId);
        if (!approval) return;
        if (approval.messageId === null) return;
        this.deps.onCall?.('editMessageText');
        await showOnCopy(this.deps.api, chatId, approval.messageId, approvalHtml(task, approval, this.deps.forgeLinks(project.id), this.deps.locale, project.deploy), `showing the decision on ${task.id}`);
        return;
      }
      case 'escalation':
        await this.call('sendMessage', `escalating ${task.id}`, () =>
          this.deps.api.sendMessage(chatId, escapeHtml(L.escalationMessage(task.id, localizeEvent(message.reason, this.deps.locale).slice(0, 1500))), { parse_mode: 'HTML' }),
        );
        return;
      case 'notice':
        await this.call('sendMessage', `notice for ${task.id}`, () =>
          this.deps.api.sendMessage(chatId, escapeHtml(localizeEvent(message.text, this.deps.locale)), { parse_mode: 'HTML', disable_notification: !message.notify }),
        );
        return;
    }
  }

  /** The card of `taskId` as it is now, or null when it cannot be built. */
  private async renderCard(taskId: string, project: ProjectConfig): Promise<string | null> {
    const view = await buildCardView(this.deps.store, this.deps.queue, this.deps.projects, taskId, this.deps.maxRollbacks, this.deps.forgeLinks(project.id));
    if (!view) return null;
    const logLine = runningAgentLine(view.waiting, taskId, this.deps.agentLogLine);
    return renderCard(view, this.deps.locale, this.deps.clock.now(), 'html', { logLine, ...(this.deps.names ? { names: this.deps.names } : {}) });
  }

  private async call<T>(method: string, what: string, fn: () => Promise<T>): Promise<T> {
    this.deps.onCall?.(method);
    try {
      return await fn();
    } catch (error) {
      throw translateTelegramError(what, error);
    }
  }
}
