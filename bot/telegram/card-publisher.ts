/**
 * Puts a task's card in its chat (design §7). edit mode: edit in place; "message is not modified"
 * is success; "message to edit not found" sends again and re-points. bump mode: send silently at
 * the bottom, re-point only after the send succeeded, then delete the old card (a failed delete
 * never blocks). Unchanged renders are skipped before and after waiting for the pacer, and the card
 * is rendered once more when the slot is granted, so a card that waited sends its latest state.
 */
import { createHash } from 'node:crypto';
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { TrackerMode } from '../../core/config/config.ts';
import type { Store } from '../../core/store/store.ts';
import { cardOf, saveCard, type CardRow } from '../../core/store/card-repo.ts';
import { crashPoint } from '../../core/fault/crash-point.ts';
import type { SendPacer } from './send-pacer.ts';
import { isMessageGone, isNotModified, translateTelegramError } from './telegram-errors.ts';

export type PublishOutcome = 'unchanged' | 'edited' | 'sent' | 'resent' | 'bumped';

/** Renders the card's current state as HTML; null when there is nothing to show (task gone). */
export type CardRender = () => Promise<string | null>;
/** The card's buttons now (the delivered task's `↩️ Roll back`, ADR 0034); undefined: none. */
export type CardMarkup = () => Promise<InlineKeyboardMarkup | undefined>;


export class CardPublisher {
  constructor(
    private readonly deps: {
      api: Api;
      store: Store;
      pacer: SendPacer;
      mode: TrackerMode;
      now: () => number;
      onCall?: (method: string) => void;
      /** Buttons every card of the chat carries (the `📊` dashboard button, ADR 0040), or none. */
      keyboard?: (taskId: string, chatId: string) => InlineKeyboardMarkup | undefined;
    },
  ) {}

  async publish(taskId: string, chatId: string, render: CardRender, taskMarkup: CardMarkup = async () => undefined): Promise<PublishOutcome> {
    const markup = async () => joinKeyboards(await taskMarkup(), this.deps.keyboard?.(taskId, chatId));
    if ((await this.pending(taskId, chatId, await render(), await markup())) === null) return 'unchanged';
    await this.deps.pacer.acquire(chatId);
    // The state may have moved on while we waited: show the newest.
    const html = await render();
    const keyboard = await markup();
    const card = await this.pending(taskId, chatId, html, keyboard);
    if (card === null || html === null) return 'unchanged';
    return this.deps.pacer.withSlot(chatId, () => this.put(taskId, chatId, html, card.previous, keyboard));
  }

  /** The card row when `html` differs from what the chat shows; null when nothing needs sending. */
  private async pending(taskId: string, chatId: string, html: string | null, keyboard: InlineKeyboardMarkup | undefined): Promise<{ previous: number | null } | null> {
    if (html === null) return null;
    const card = await this.row(taskId);
    if (card?.lastRenderHash === hashOf(html, keyboard) && card.messageId !== null && card.chatId === chatId)
      return null;
    return { previous: card && card.chatId === chatId ? card.messageId : null };
  }

  private async put(
    taskId: string,
    chatId: string,
    html: string,
    previous: number | null,
    keyboard: InlineKeyboardMarkup | undefined,
  ): Promise<PublishOutcome> {
    const hash = hashOf(html, keyboard);
    // Without reply_markup an edit removes the buttons: a card that lost its offer loses its button.
    const buttons = keyboard ? { reply_markup: keyboard } : {};
    if (previous !== null && this.deps.mode === 'edit') {
      try {
        this.deps.onCall?.('editMessageText');
        await this.deps.api.editMessageText(chatId, previous, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...buttons,
        });
        crashPoint('card');
        await this.save(taskId, chatId, previous, hash);
        return 'edited';
      } catch (error) {
        if (isNotModified(error)) {
          await this.save(taskId, chatId, previous, hash);
          return 'edited';
        }
        if (!isMessageGone(error)) throw translateTelegramError(`editing card ${taskId}`, error);
        const id = await this.send(taskId, chatId, html, buttons);
        await this.save(taskId, chatId, id, hash);
        return 'resent';
      }
    }

    const id = await this.send(taskId, chatId, html, buttons);
    if (previous === null) crashPoint('card-post');
    await this.save(taskId, chatId, id, hash);
    if (previous === null) return 'sent';
    // The new card is posted and pointed to already: a failed delete leaves clutter, never blocks.
    this.deps.onCall?.('deleteMessage');
    await this.deps.api.deleteMessage(chatId, previous).catch(() => undefined);
    return 'bumped';
  }

  private async send(taskId: string, chatId: string, html: string, buttons: { reply_markup?: InlineKeyboardMarkup }): Promise<number> {
    try {
      this.deps.onCall?.('sendMessage');
      const sent = await this.deps.api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        disable_notification: true,
        link_preview_options: { is_disabled: true },
        ...buttons,
      });
      return sent.message_id;
    } catch (error) {
      throw translateTelegramError(`posting card ${taskId}`, error);
    }
  }

  private async row(taskId: string): Promise<CardRow | null> {
    return await cardOf(this.deps.store.db, taskId);
  }

  private async save(taskId: string, chatId: string, messageId: number, hash: string): Promise<void> {
    const now = this.deps.now();
    await this.deps.store.transaction(async (tx) => await saveCard(tx, { taskId, chatId, messageId, lastRenderHash: hash, updatedAt: now }));
  }
}

/** A card without buttons hashes as its HTML alone, as before buttons existed (no needless edits). */
function hashOf(html: string, keyboard?: InlineKeyboardMarkup): string {
  return createHash('sha256').update(keyboard ? `${html}\n${JSON.stringify(keyboard)}` : html).digest('hex');
}

/** The task's own rows first, then the chat-wide ones; undefined when there are none. */
function joinKeyboards(...parts: (InlineKeyboardMarkup | undefined)[]): InlineKeyboardMarkup | undefined {
  const rows = parts.flatMap((part) => part?.inline_keyboard ?? []);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}
