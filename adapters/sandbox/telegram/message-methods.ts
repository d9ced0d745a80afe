/**
 * sendMessage, editMessageText, editMessageReplyMarkup and deleteMessage with Telegram's answers.
 * Each call is validated first, then counted against the flood limits, then applied: a refused
 * call (400 or 429) changes nothing and takes no rate-limit slot.
 */
import type { Params } from './bot-api-params.ts';
import { badRequest, ok, tooManyRequests } from './bot-api-outcome.ts';
import type { CallTarget, MethodCall, MethodHandler, MethodOutcome } from './bot-api-outcome.ts';
import type { ChatStore, MessageContent, StoredMessage } from './chat-store.ts';
import { parseReplyMarkup } from './inline-keyboard.ts';
import { parseMessageContent } from './message-content.ts';
import type { SandboxChat } from './sandbox-types.ts';
import { telegramMessage } from './telegram-objects.ts';

/** Bots may delete messages only while they are younger than this. */
const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a ' +
  'current content and reply markup of the message';

/** sendMessage: chat_id, text, parse_mode, reply_markup, disable_notification, link preview options. */
export const sendMessage: MethodHandler = ({ params, state, now }) => {
  const chat = findChat(params, state.chats);
  if (chat.type === 'error') return chat.outcome;
  const target: CallTarget = { chatId: chat.chat.id };
  const content = parseMessageContent(params);
  if (content.type === 'invalid') return badRequest(content.reason, target);
  const keyboard = parseReplyMarkup(params.value('reply_markup'));
  if (keyboard.type === 'invalid') return badRequest(keyboard.reason, target);
  const limited = rateCheck({ state, now }, chat.chat.id, target);
  if (limited) return limited;
  const { type: _type, ...fields } = content;
  const message = state.chats.append(chat.chat.id, {
    ...fields,
    from: { id: state.bot.id, first_name: state.bot.firstName, username: state.bot.username, is_bot: true },
    buttons: keyboard.buttons,
    silent: params.boolean('disable_notification'),
    linkPreviewDisabled: linkPreviewDisabled(params),
    sentAt: now,
  });
  return ok(telegramMessage(message, chat.chat), { ...target, messageId: message.messageId });
};

/** editMessageText: new text (and keyboard) for one of the bot's messages. */
export const editMessageText: MethodHandler = (call) => {
  const content = parseMessageContent(call.params);
  if (content.type === 'invalid') return badRequest(content.reason, targetOf(call.params));
  const { type: _type, ...fields } = content;
  return edit(call, () => fields);
};

/** editMessageReplyMarkup: a new keyboard (none when reply_markup is absent). */
export const editMessageReplyMarkup: MethodHandler = (call) =>
  edit(call, ({ text, plain, entities, parseMode }) => ({
    text,
    plain,
    entities,
    ...(parseMode ? { parseMode } : {}),
  }));

/** deleteMessage: only messages younger than 48 hours on the sandbox clock. */
export const deleteMessage: MethodHandler = ({ params, state, now }) => {
  if (!params.has('chat_id')) return badRequest('chat identifier is not specified');
  const messageId = params.integer('message_id');
  if (!messageId) return badRequest('message identifier is not specified');
  const chat = state.chats.resolve(params.value('chat_id'));
  if (!chat) return badRequest('chat not found', { messageId });
  const target = { chatId: chat.id, messageId };
  const message = state.chats.live(chat.id, messageId);
  if (!message) return badRequest('message to delete not found', target);
  if (now - message.sentAt > DELETE_WINDOW_MS) return badRequest("message can't be deleted", target);
  state.chats.markDeleted(message, now);
  return ok(true, target);
};

type TextContent = Omit<MessageContent, 'buttons'>;

/** Shared by both edits: `text` gives the new text; reply_markup always replaces the buttons. */
function edit(call: MethodCall, text: (message: StoredMessage) => TextContent): MethodOutcome {
  const { params, state, now } = call;
  const keyboard = parseReplyMarkup(params.value('reply_markup'));
  if (keyboard.type === 'invalid') return badRequest(keyboard.reason, targetOf(params));
  const messageId = params.integer('message_id');
  if (!params.has('chat_id') && !messageId) return badRequest('message identifier is not specified');
  const chat = findChat(params, state.chats);
  if (chat.type === 'error') return chat.outcome;
  const target: CallTarget = { chatId: chat.chat.id, ...(messageId ? { messageId } : {}) };
  const message = messageId ? state.chats.live(chat.chat.id, messageId) : undefined;
  if (!message) return badRequest('message to edit not found', target);
  if (message.from.id !== state.bot.id) return badRequest("message can't be edited", target);
  // Without reply_markup an edit removes the keyboard, as on Telegram.
  const next: MessageContent = { ...text(message), buttons: keyboard.buttons };
  if (sameContent(message, next)) return badRequest(NOT_MODIFIED, target);
  const limited = rateCheck(call, chat.chat.id, target);
  if (limited) return limited;
  state.chats.revise(message, next, now);
  return ok(telegramMessage(message, chat.chat), target);
}

function sameContent(message: StoredMessage, next: MessageContent): boolean {
  return (
    message.plain === next.plain &&
    JSON.stringify(message.entities) === JSON.stringify(next.entities) &&
    JSON.stringify(message.buttons) === JSON.stringify(next.buttons)
  );
}

function rateCheck(call: Pick<MethodCall, 'state' | 'now'>, chatId: number, target: CallTarget) {
  const decision = call.state.limiter.tryAcquire(chatId, call.now);
  return decision.type === 'limited' ? tooManyRequests(decision.retryAfter, target) : undefined;
}

type ChatLookup =
  | { readonly type: 'ok'; readonly chat: SandboxChat }
  | { readonly type: 'error'; readonly outcome: MethodOutcome };

function findChat(params: Params, chats: ChatStore): ChatLookup {
  const ref = params.value('chat_id');
  if (ref === undefined || ref === '') return { type: 'error', outcome: badRequest('chat_id is empty') };
  const chat = chats.resolve(ref);
  return chat
    ? { type: 'ok', chat }
    : { type: 'error', outcome: badRequest('chat not found', targetOf(params)) };
}

/** The numeric chat and message a call names, for the log, before anything is resolved. */
function targetOf(params: Params): CallTarget {
  const chatId = params.integer('chat_id');
  const messageId = params.integer('message_id');
  return { ...(chatId !== undefined ? { chatId } : {}), ...(messageId !== undefined ? { messageId } : {}) };
}

function linkPreviewDisabled(params: Params): boolean {
  if (params.boolean('disable_web_page_preview')) return true;
  const options = params.json('link_preview_options');
  return (
    options.type === 'ok' && (options.value as { is_disabled?: unknown } | undefined)?.is_disabled === true
  );
}
