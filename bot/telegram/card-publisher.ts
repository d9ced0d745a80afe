/**
 * Puts a task's card in its chat (design §7). edit mode: edit in place; "message is not modified"
 * is success; "message to edit not found" sends again and re-points. bump mode: send silently at
 * the bottom, re-point only after the send succeeded, then delete the old card (a failed delete
 * never blocks). Unchanged renders are skipped before and after waiting for the pacer, and the card
 * is rendered once more when the slot is granted, so a card that waited sends its latest state.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { TrackerMode } from '../../core/config/config.ts';
import type { Store } from '../../core/store/database.ts';
import { cards } from '../../core/store/schema.ts';
import { crashPoint } from '../../core/fault/crash-point.ts';
import type { SendPacer } from './send-pacer.ts';
import { isMessageGone, isNotModified, translateTelegramError } from './telegram-errors.ts';

export type PublishOutcome = 'unchanged' | 'edited' | 'sent' | 'resent' | 'bumped';

/** Renders the card's current state as HTML; null when there is nothing to show (task gone). */
export type CardRender = () => string | null;

type CardRow = typeof cards.$inferSelect;

export class CardPublisher {
  constructor(
    private readonly deps: {
      api: Api;
      store: Store;
      pacer: SendPacer;
      mode: TrackerMode;
      now: () => number;
      onCall?: (method: string) => void;
      /** The card's buttons (the `📊` dashboard button), or none. */
      keyboard?: (taskId: string, chatId: string) => InlineKeyboardMarkup | undefined;
    },
  ) {}

  async publish(taskId: string, chatId: string, render: CardRender): Promise<PublishOutcome> {
    if (this.pending(taskId, chatId, render()) === null) return 'unchanged';
    await this.deps.pacer.acquire(chatId);
    // The state may have moved on while we waited: show the newest.
    const html = render();
    const card = this.pending(taskId, chatId, html);
    if (card === null || html === null) return 'unchanged';
    return this.deps.pacer.withSlot(chatId, () => this.put(taskId, chatId, html, card.previous));
  }

  /** The card row when `html` differs from what the chat shows; null when nothing needs sending. */
  private pending(taskId: string, chatId: string, html: string | null): { previous: number | null } | null {
    if (html === null) return null;
    const card = this.row(taskId);
    if (card?.lastRenderHash === hashOf(html) && card.messageId !== null && card.chatId === chatId)
      return null;
    return { previous: card && card.chatId === chatId ? card.messageId : null };
  }

  private async put(
    taskId: string,
    chatId: string,
    html: string,
    previous: number | null,
  ): Promise<PublishOutcome> {
    const hash = hashOf(html);
    if (previous !== null && this.deps.mode === 'edit') {
      try {
        this.deps.onCall?.('editMessageText');
        const markup = this.deps.keyboard?.(taskId, chatId);
        await this.deps.api.editMessageText(chatId, previous, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(markup ? { reply_markup: markup } : {}),
        });
        crashPoint('card');
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
    if (previous === null) crashPoint('card-post');
    this.save(taskId, chatId, id, hash);
    if (previous === null) return 'sent';
    // The new card is posted and pointed to already: a failed delete leaves clutter, never blocks.
    this.deps.onCall?.('deleteMessage');
    await this.deps.api.deleteMessage(chatId, previous).catch(() => undefined);
    return 'bumped';
  }

  private async send(taskId: string, chatId: string, html: string): Promise<number> {
    try {
      this.deps.onCall?.('sendMessage');
      const markup = this.deps.keyboard?.(taskId, chatId);
      const sent = await this.deps.api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        disable_notification: true,
        link_preview_options: { is_disabled: true },
        ...(markup ? { reply_markup: markup } : {}),
      });
      return sent.message_id;
    } catch (error) {
      throw translateTelegramError(`posting card ${taskId}`, error);
    }
  }

  private row(taskId: string): CardRow | undefined {
    return this.deps.store.db.select().from(cards).where(eq(cards.taskId, taskId)).get();
  }

  private save(taskId: string, chatId: string, messageId: number, hash: string): void {
    const now = this.deps.now();
    this.deps.store.db
      .insert(cards)
      .values({ taskId, chatId, messageId, lastRenderHash: hash, updatedAt: now })
      .onConflictDoUpdate({
        target: cards.taskId,
        set: { chatId, messageId, lastRenderHash: hash, updatedAt: now },
      })
      .run();
  }
}

function hashOf(html: string): string {
  return createHash('sha256').update(html).digest('hex');
}
