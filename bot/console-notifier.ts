/**
 * A notifier that prints what the chat would show: each card state (unchanged renders skipped)
 * and approval requests, decisions and escalations. Used by the offline demo and when no bot
 * token is configured.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { OutboxMessage } from '../core/notify/outbox-message.ts';
import { buildCardView } from '../core/notify/card-view.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { NotifierPort } from '../core/ports/notifier.ts';
import type { JobQueue } from '../core/queue/job-queue.ts';
import { getApproval } from '../core/store/approval-repo.ts';
import type { Store } from '../core/store/store.ts';
import { cardOf, saveCardHash } from '../core/store/card-repo.ts';
import { getTask } from '../core/store/task-repo.ts';
import { localizeEvent } from './render/event-text.ts';
import { labelsFor } from './render/labels.ts';
import { renderApproval } from './render/render-approval.ts';
import { renderCard } from './render/render-card.ts';

export interface ConsoleNotifierDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly locale: Locale;
  readonly maxRollbacks: number;
  readonly clock: Clock;
  readonly write: (text: string) => void;
}

export class ConsoleNotifier implements NotifierPort {
  constructor(private readonly deps: ConsoleNotifierDeps) {}

  async deliver(message: OutboxMessage): Promise<void> {
    const { store, clock, locale, write } = this.deps;
    const task = await getTask(store.db, message.taskId);
    if (!task) return;
    const chat = this.deps.projects.get(task.projectId)?.chatId ?? '?';
    switch (message.kind) {
      case 'card': {
        const view = await buildCardView(store, this.deps.queue, this.deps.projects, task.id, this.deps.maxRollbacks, null);
        if (!view) return;
        // The age fields change every second; hash the render without them to skip no-op edits.
        const text = renderCard(view, locale, clock.now(), 'text');
        const hash = createHash('sha256').update(renderCard(view, locale, view.task.updatedAt, 'text')).digest('hex');
        const card = await cardOf(store.db, task.id);
        if (card?.lastRenderHash === hash) return;
        await store.transaction(async (tx) => await saveCardHash(tx, task.id, chat, hash, clock.now()));
        write(frame(`card ${task.id} · chat ${chat} · silent`, text));
        return;
      }
      case 'approval-request':
      case 'approval-decided': {
        const approval = await getApproval(store.db, message.approvalId);
        if (!approval) return;
        const text = renderApproval(task, approval, { brd: null, tracker: task.externalUrl }, locale, 'text');
        const L = labelsFor(locale);
        const buttons = approval.state === 'pending' ? `\n[${L.approve}] [${L.reject}]` : '';
        write(frame(`${message.kind === 'approval-request' ? 'approval request' : 'approval decided'} ${task.id} · chat ${chat}${message.kind === 'approval-request' ? ' · notifies' : ''}`, text + buttons));
        return;
      }
      case 'escalation':
        write(frame(`escalation ${task.id} · chat ${chat} · notifies`, labelsFor(locale).escalationMessage(task.id, localizeEvent(message.reason, locale))));
        return;
      case 'notice':
        write(frame(`notice ${task.id} · chat ${chat} · silent`, localizeEvent(message.text, locale)));
        return;
    }
  }
}

function frame(title: string, body: string): string {
  return `┌─ ${title}\n${body.split('\n').map((l) => `│ ${l}`).join('\n')}\n└─\n`;
}
