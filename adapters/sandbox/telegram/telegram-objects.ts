/**
 * How sandbox chats, people and messages look on the wire: the Bot API's Chat, User and Message
 * objects, typed with grammY's own declarations so drift shows up at compile time.
 */
import type { Chat, InlineKeyboardButton, Message, User, UserFromGetMe } from 'grammy/types';
import type { SandboxButton, SandboxChat, SandboxMessage } from './sandbox-types.ts';

/** The bot the sandbox plays. */
export interface BotIdentity {
  readonly id: number;
  readonly username: string;
  readonly firstName: string;
}

/** The `getMe` answer. */
export function botUser(bot: BotIdentity): UserFromGetMe {
  return {
    id: bot.id,
    is_bot: true,
    first_name: bot.firstName,
    username: bot.username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** The Bot API Chat object for a sandbox chat. */
export function telegramChat(chat: SandboxChat): Chat {
  const username = chat.username ? { username: chat.username } : {};
  if (chat.type === 'private') return { id: chat.id, type: 'private', first_name: chat.title, ...username };
  if (chat.type === 'group') return { id: chat.id, type: 'group', title: chat.title };
  return { id: chat.id, type: 'supergroup', title: chat.title, ...username };
}

/** The Bot API User object for a message's sender. */
export function telegramUser(user: SandboxMessage['from']): User {
  return {
    id: user.id,
    is_bot: user.is_bot,
    first_name: user.first_name,
    ...(user.username ? { username: user.username } : {}),
  };
}

/** The Message object the Bot API returns for `message` in the given chat. */
export function telegramMessage(message: SandboxMessage, chat: SandboxChat): Message {
  const result: Message = {
    message_id: message.messageId,
    from: telegramUser(message.from),
    chat: telegramChat(chat),
    date: Math.floor(message.sentAt / 1000),
    text: message.plain,
  };
  if (message.entities.length > 0) result.entities = message.entities;
  if (message.editedAt !== undefined) result.edit_date = Math.floor(message.editedAt / 1000);
  if (message.buttons.length > 0) {
    result.reply_markup = { inline_keyboard: message.buttons.map((row) => row.map(keyboardButton)) };
  }
  if (message.linkPreviewDisabled) result.link_preview_options = { is_disabled: true };
  return result;
}

function keyboardButton(button: SandboxButton): InlineKeyboardButton {
  if (button.url !== undefined) return { text: button.text, url: button.url };
  return { text: button.text, callback_data: button.callback_data ?? '' };
}
