/**
 * What a Bot API method handler decides, as a value; the HTTP layer turns it into Telegram's
 * `{ ok, result }` / `{ ok: false, error_code, description, parameters }` answer and logs it.
 */
import type { Params } from './bot-api-params.ts';
import type { SandboxState } from './sandbox-state.ts';

/** Which chat and message a call touched, for the request log. */
export interface CallTarget {
  readonly chatId?: number;
  readonly messageId?: number;
}

/** A handler's decision: a result, a Bot API error, or nothing to answer. */
export type MethodOutcome =
  | ({ readonly type: 'ok'; readonly result: unknown; readonly description?: string } & CallTarget)
  | ({
      readonly type: 'error';
      readonly status: number;
      readonly description: string;
      readonly retryAfter?: number;
    } & CallTarget)
  /** The client went away before an answer (an abandoned long poll); nothing is written. */
  | { readonly type: 'aborted' };

/** One call as a handler sees it; `now` is read once so the limiter and the log agree. */
export interface MethodCall {
  readonly params: Params;
  readonly state: SandboxState;
  readonly now: number;
  readonly signal: AbortSignal;
}

/** One Bot API method. */
export type MethodHandler = (call: MethodCall) => MethodOutcome | Promise<MethodOutcome>;

/** A successful answer; `description` accompanies results like setWebhook's. */
export function ok(result: unknown, target: CallTarget = {}, description?: string): MethodOutcome {
  return { type: 'ok', result, ...target, ...(description ? { description } : {}) };
}

/** A 400 answer; `reason` is what follows "Bad Request: ". */
export function badRequest(reason: string, target: CallTarget = {}): MethodOutcome {
  return { type: 'error', status: 400, description: `Bad Request: ${reason}`, ...target };
}

/** An error answer with any status (401, 404, 409). */
export function failure(status: number, description: string, target: CallTarget = {}): MethodOutcome {
  return { type: 'error', status, description, ...target };
}

/** Telegram's 429 with `parameters.retry_after`. */
export function tooManyRequests(retryAfter: number, target: CallTarget = {}): MethodOutcome {
  return {
    type: 'error',
    status: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    retryAfter,
    ...target,
  };
}
