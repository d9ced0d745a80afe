/**
 * getMe, getChat, answerCallbackQuery, the command list (setMyCommands, getMyCommands, deleteMyCommands)
 * and the default menu button (setChatMenuButton, getChatMenuButton).
 */
import type { Params } from './bot-api-params.ts';
import { badRequest, ok } from './bot-api-outcome.ts';
import type { MethodHandler } from './bot-api-outcome.ts';
import type { BotCommandSet } from './sandbox-types.ts';
import { botUser, telegramChat } from './telegram-objects.ts';

/** getMe: the bot the sandbox plays. */
export const getMe: MethodHandler = ({ state }) => ok(botUser(state.bot));

/** getChat: a chat the bot is in; any other is "chat not found", as Telegram answers. */
export const getChat: MethodHandler = ({ params, state }) => {
  const ref = params.value('chat_id');
  if (ref === undefined || ref === '') return badRequest('chat_id is empty');
  const chat = state.chats.resolve(ref);
  return chat ? ok(telegramChat(chat), { chatId: chat.id }) : badRequest('chat not found');
};

/** answerCallbackQuery: once per press, while the press is fresh. */
export const answerCallbackQuery: MethodHandler = ({ params, state, now }) => {
  const id = params.string('callback_query_id') ?? '';
  const text = params.string('text');
  const answer = {
    ...(text ? { text } : {}),
    ...(params.has('show_alert') ? { show_alert: params.boolean('show_alert') } : {}),
  };
  const outcome = state.callbacks.answer(id, answer, now);
  if (outcome.type === 'invalid') {
    return badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  return ok(true);
};

/** setMyCommands: per scope and language; an empty list removes the set. */
export const setMyCommands: MethodHandler = ({ params, state }) => {
  const raw = params.json('commands');
  if (raw.type === 'invalid' || !Array.isArray(raw.value)) {
    return badRequest("can't parse commands JSON object");
  }
  const commands: BotCommandSet['commands'] = [];
  for (const item of raw.value as unknown[]) {
    const { command, description } = (item ?? {}) as { command?: unknown; description?: unknown };
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command))
      return badRequest('BOT_COMMAND_INVALID');
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      return badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    commands.push({ command, description });
  }
  const set = commandSet(params, commands);
  if (commands.length === 0) state.commands.delete(keyOf(set));
  else state.commands.set(keyOf(set), set);
  return ok(true);
};

/** getMyCommands: the list for exactly that scope and language, or []. */
export const getMyCommands: MethodHandler = ({ params, state }) =>
  ok(state.commands.get(keyOf(commandSet(params, [])))?.commands ?? []);

/** deleteMyCommands: removes the list for that scope and language. */
export const deleteMyCommands: MethodHandler = ({ params, state }) => {
  state.commands.delete(keyOf(commandSet(params, [])));
  return ok(true);
};

function commandSet(params: Params, commands: BotCommandSet['commands']): BotCommandSet {
  const scope = params.json('scope');
  return {
    scope: scope.type === 'ok' && scope.value !== undefined ? scope.value : { type: 'default' },
    languageCode: params.string('language_code') ?? '',
    commands,
  };
}

function keyOf(set: BotCommandSet): string {
  return `${JSON.stringify(set.scope)}|${set.languageCode}`;
}

/** setChatMenuButton (the default one; no chat_id): `web_app` needs an https URL, as on Telegram. */
export const setChatMenuButton: MethodHandler = ({ params, state }) => {
  const raw = params.json('menu_button');
  if (raw.type === 'invalid') return badRequest("can't parse menu button JSON object");
  const button = (raw.value ?? { type: 'default' }) as { type?: unknown; text?: unknown; web_app?: { url?: unknown } };
  if (button.type === 'web_app') {
    const url = button.web_app?.url;
    if (typeof button.text !== 'string' || typeof url !== 'string') return badRequest("can't parse menu button JSON object");
    if (!url.startsWith('https://')) return badRequest('BUTTON_URL_INVALID');
    state.menuButton = { type: 'web_app', text: button.text, web_app: { url } };
    return ok(true);
  }
  if (button.type !== 'default' && button.type !== 'commands') return badRequest('unsupported menu button type');
  state.menuButton = { type: button.type };
  return ok(true);
};

/** getChatMenuButton: the default menu button. */
export const getChatMenuButton: MethodHandler = ({ state }) => ok(state.menuButton);
