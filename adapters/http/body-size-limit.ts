/** The 1 MiB request body limit shared by the webhook and Telegram routes. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Largest request body accepted (Gitea pushes with many commits stay well below). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * 413 (and `Connection: close`) above {@link MAX_WEBHOOK_BYTES}. A declared Content-Length (which Node's parser enforces) is
 * just compared; only a streamed body goes through hono/body-limit, which counts the bytes. Why:
 * body-limit touches `req.body`, making @hono/node-server build a web stream for every request
 * instead of reading the body on its direct path; measured, that roughly halved ingest throughput.
 */
export function limitBody(onTooLarge: (c: Context) => Response): MiddlewareHandler {
  const tooLarge = (c: Context): Response => {
    // Part of the body may still be in flight: the client must not reuse this connection.
    c.header('Connection', 'close');
    return onTooLarge(c);
  };
  const streamed = bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: tooLarge });
  return async (c, next) => {
    const headers = c.req.raw.headers;
    const declared = headers.get('content-length');
    if (declared === null || headers.has('transfer-encoding') || !/^\d+$/.test(declared)) return streamed(c, next);
    return Number(declared) > MAX_WEBHOOK_BYTES ? tooLarge(c) : next();
  };
}
