/**
 * The Bot API over HTTP: `/bot<token>/<method>` answered exactly as api.telegram.org answers, each
 * request recorded in the request log with the status it got.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MethodHandler, MethodOutcome } from './bot-api-outcome.ts';
import { readParams } from './bot-api-params.ts';
import { answerCallbackQuery, deleteMyCommands, getMe, getMyCommands, setMyCommands } from './bot-methods.ts';
import { writeJson } from './http-json.ts';
import { deleteMessage, editMessageReplyMarkup, editMessageText, sendMessage } from './message-methods.ts';
import type { SandboxState } from './sandbox-state.ts';
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './update-methods.ts';

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  editMessageText,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
};

// Method names are case-insensitive on Telegram; the log keeps the canonical spelling.
const BY_LOWER_NAME = new Map(
  Object.entries(HANDLERS).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);

const BOT_PATH = /^\/bot([^/]*)\/([^/]*)$/;

/** Answers one Bot API request. */
export async function handleBotApi(
  state: SandboxState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const now = state.clock.now();
  const [, token = '', rawMethod = ''] = BOT_PATH.exec(url.pathname) ?? [];
  const known = BY_LOWER_NAME.get(rawMethod.toLowerCase());
  const method = known?.name ?? rawMethod;
  const answer = (outcome: MethodOutcome): void => respond(state, response, method, now, outcome);
  if (!sameToken(token, state.token)) {
    return answer({ type: 'error', status: 401, description: 'Unauthorized' });
  }
  if (!known) return answer({ type: 'error', status: 404, description: 'Not Found' });
  const read = await readParams(request, url);
  if (read.type === 'invalid') {
    return answer({ type: 'error', status: read.status, description: read.description });
  }
  const abandoned = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abandoned.abort();
  });
  answer(await known.handler({ params: read.params, state, now, signal: abandoned.signal }));
}

function respond(
  state: SandboxState,
  response: ServerResponse,
  method: string,
  at: number,
  outcome: MethodOutcome,
) {
  if (outcome.type === 'aborted') return;
  const { chatId, messageId } = outcome;
  const target = {
    ...(chatId !== undefined ? { chatId } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  };
  if (outcome.type === 'ok') {
    state.log.record({ method, ...target, at, status: 200 });
    const description = outcome.description ? { description: outcome.description } : {};
    return writeJson(response, 200, { ok: true, result: outcome.result, ...description });
  }
  const { status, description, retryAfter } = outcome;
  state.log.record({ method, ...target, at, status, description, ...(retryAfter ? { retryAfter } : {}) });
  const parameters = retryAfter ? { parameters: { retry_after: retryAfter } } : {};
  writeJson(response, status, { ok: false, error_code: status, description, ...parameters });
}

/** Compares tokens in constant time (over digests, so lengths need not match). */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
