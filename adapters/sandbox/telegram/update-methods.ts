/**
 * getUpdates, setWebhook, deleteWebhook and getWebhookInfo. Polling and webhook exclude each other
 * exactly as on Telegram: getUpdates is refused with 409 while a webhook is set, and setting one
 * terminates a waiting long poll.
 */
import { badRequest, failure, ok } from './bot-api-outcome.ts';
import type { MethodHandler } from './bot-api-outcome.ts';

/** telegram-bot-api's LONG_POLL_MAX_TIMEOUT. */
const MAX_POLL_TIMEOUT_SECONDS = 50;

const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

/** getUpdates: offset, limit, timeout (long polling) and allowed_updates. */
export const getUpdates: MethodHandler = async ({ params, state, signal }) => {
  if (state.webhook.isSet()) return failure(409, WEBHOOK_ACTIVE);
  const allowed = params.json('allowed_updates');
  const allowedUpdates =
    allowed.type === 'ok' && Array.isArray(allowed.value)
      ? allowed.value.filter((kind): kind is string => typeof kind === 'string')
      : undefined;
  const outcome = await state.updates.poll(
    {
      offset: params.integer('offset') ?? 0,
      limit: clamp(params.integer('limit') ?? 100, 1, 100),
      timeoutMs: clamp(params.integer('timeout') ?? 0, 0, MAX_POLL_TIMEOUT_SECONDS) * 1000,
      ...(allowedUpdates ? { allowedUpdates } : {}),
    },
    signal,
  );
  if (outcome.type === 'aborted') return outcome;
  if (outcome.type === 'conflict') return failure(409, outcome.description);
  return ok(outcome.updates);
};

/** setWebhook: url (empty removes it), secret_token, drop_pending_updates. */
export const setWebhook: MethodHandler = ({ params, state }) => {
  const url = params.string('url') ?? '';
  if (url === '') return removeWebhook(state.webhook.clear(), params.boolean('drop_pending_updates'), state);
  const secret = params.string('secret_token');
  if (secret !== undefined && secret.length > 256) return badRequest('secret token is too long');
  if (secret !== undefined && !/^[A-Za-z0-9_-]*$/.test(secret)) {
    return badRequest('secret token contains unallowed characters');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return badRequest('bad webhook: Failed to resolve host: invalid URL');
  }
  // Telegram insists on HTTPS; the sandbox delivers to local receivers, so plain HTTP is fine here.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  if (params.boolean('drop_pending_updates')) state.updates.dropPending();
  state.updates.abortPoll('Conflict: terminated by setWebhook request');
  const change = state.webhook.set(url, secret || undefined);
  return ok(true, {}, change === 'set' ? 'Webhook was set' : 'Webhook is already set');
};

/** deleteWebhook: back to getUpdates, optionally dropping pending updates. */
export const deleteWebhook: MethodHandler = ({ params, state }) =>
  removeWebhook(state.webhook.clear(), params.boolean('drop_pending_updates'), state);

/** getWebhookInfo: url, pending count and the last delivery error. */
export const getWebhookInfo: MethodHandler = ({ state }) => {
  const webhook = state.webhook.state();
  return ok({
    url: webhook.url,
    has_custom_certificate: false,
    pending_update_count: webhook.pendingUpdateCount,
    ...(webhook.lastErrorMessage ? { last_error_message: webhook.lastErrorMessage } : {}),
  });
};

function removeWebhook(wasSet: boolean, dropPending: boolean, state: Parameters<MethodHandler>[0]['state']) {
  if (dropPending) state.updates.dropPending();
  return ok(true, {}, wasSet ? 'Webhook was deleted' : 'Webhook is already deleted');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
