/**
 * Puts a task's card in its chat (design §7). edit mode: edit in place; "message is not modified"
 * is success; "message to edit not found" sends again and re-points. bump mode: send silently at
 * the bottom, re-point only after the send succeeded, then delete the old card (a failed delete
 * never blocks). Unchanged renders are skipped; every send waits for the pacer.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Api } from 'grammy';
import type { TrackerMode } from '../../core/config/config.ts';
import type { Store } from '../../core/store/database.ts';
import { cards } from '../../core/store/schema.ts';
import type { SendPacer } from './send-pacer.ts';
import { isMessageGone, isNotModified, translateTelegramError } from './telegram-errors.ts';

export type PublishOutcome = 'unchanged' | 'edited' | 'sent' | 'resent' | 'bumped';

export class CardPublisher {
  constructor(
    private readonly deps: { api: Api; store: Store; pacer: SendPacer; mode: TrackerMode; now: () => number; onCall?: (method: string) => void },
  ) {}

  async publish(taskId: string, chatId: string, html: string): Promise<PublishOutcome> {
    const { store } = this.deps;
    const hash = createHash('sha256').update(html).digest('hex');
    const card = store.db.select().from(cards).where(eq(cards.taskId, taskId)).get();
    if (card?.lastRenderHash === hash && card.messageId !== null && card.chatId === chatId) return 'unchanged';
    const previous = card && card.chatId === chatId ? card.messageId : null;

    if (previous !== null && this.deps.mode === 'edit') {
      try {
        await this.call(chatId, 'editMessageText', () => this.deps.api.editMessageText(chatId, previous, html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }));
        this.save(taskId, chatId, previous, hash);
        return 'edited';
      } catch (error) {
        if (isNotModified(error)) {
          this.save(taskId, chatId, previous, hash);
          return 'edited';
        }
        if (!isMessageGone(error)) throw translateTelegramError(`editing card ${taskId}`, error);
        const id = await this.send(taskId, chatId, html);
        this.save(taskId, chatId, id, hash);
        return 'resent';
      }
    }

    const id = await this.send(taskId, chatId, html);
    this.save(taskId, chatId, id, hash);
    if (previous === null) return 'sent';
    // The new card is posted and pointed to already: a failed delete leaves clutter, never blocks.
    await this.call(chatId, 'deleteMessage', () => this.deps.api.deleteMessage(chatId, previous)).catch(() => undefined);
    return 'bumped';
  }

  private async send(taskId: string, chatId: string, html: string): Promise<number> {
    try {
      const sent = await this.call(chatId, 'sendMessage', () =>
        this.deps.api.sendMessage(chatId, html, { parse_mode: 'HTML', disable_notification: true, link_preview_options: { is_disabled: true } }),
      );
      return sent.message_id;
    } catch (error) {
      throw translateTelegramError(`posting card ${taskId}`, error);
    }
  }

  private async call<T>(chatId: string, method: string, fn: () => Promise<T>): Promise<T> {
    await this.deps.pacer.acquire(chatId);
    this.deps.onCall?.(method);
    return fn();
  }

  private save(taskId: string, chatId: string, messageId: number, hash: string): void {
    const now = this.deps.now();
    this.deps.store.db
      .insert(cards)
      .values({ taskId, chatId, messageId, lastRenderHash: hash, updatedAt: now })
      .onConflictDoUpdate({ target: cards.taskId, set: { chatId, messageId, lastRenderHash: hash, updatedAt: now } })
      .run();
  }
}
