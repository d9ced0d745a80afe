/**
 * The Bot API over HTTP: `/bot<token>/<method>` answered exactly as api.telegram.org answers, each
 * request recorded in the request log with the status it got.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MethodHandler, MethodOutcome } from './bot-api-outcome.ts';
import { readParams } from './bot-api-params.ts';
import { answerCallbackQuery, deleteMyCommands, getChat, getChatMenuButton, getMe, getMyCommands, setChatMenuButton, setMyCommands } from './bot-methods.ts';
import { faultAnswer, type FaultAnswer } from './fault-injection.ts';
import { writeJson } from './http-json.ts';
import { deleteMessage, editMessageReplyMarkup, editMessageText, sendMessage } from './message-methods.ts';
import type { SandboxState } from './sandbox-state.ts';
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './update-methods.ts';

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getChat,
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
  setChatMenuButton,
  getChatMenuButton,
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
  const injected = faultAnswer(state.fault, method);
  if (injected) return answerFault(state, request, response, method, now, injected);
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
  const outcome = await known.handler({ params: read.params, state, now, signal: abandoned.signal });
  // A fault set while a long poll waited answers that poll (as a new consumer or an outage would).
  const late = method === 'getUpdates' ? faultAnswer(state.fault, method) : null;
  if (late) return answerFault(state, request, response, method, now, late);
  answer(outcome);
}

function answerFault(state: SandboxState, request: IncomingMessage, response: ServerResponse, method: string, at: number, fault: FaultAnswer): void {
  if (fault.type === 'reset') {
    state.log.record({ method, at, status: 0, description: 'connection closed without an answer (outage)' });
    request.socket.destroy();
    return;
  }
  if (fault.type === 'json') return respond(state, response, method, at, { type: 'error', status: fault.status, description: fault.description });
  state.log.record({ method, at, status: fault.status, description: `HTML error page (${fault.status})` });
  response.writeHead(fault.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(fault.body) });
  response.end(fault.body);
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
