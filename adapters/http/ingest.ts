/**
 * The one webhook ingest path both senders share: fail closed without a secret → body limit →
 * verify the HMAC on the raw bytes → parse → store in the inbox → answer. The row is committed
 * (synchronously) before the 2xx leaves, so an acknowledged delivery is never lost.
 */
import { Hono, type Context } from 'hono';
import type { Logger } from '../../core/ports/logger.ts';
import type { Store } from '../../core/store/store.ts';
import { insertDelivery, type InsertOutcome } from '../../core/store/inbox-repo.ts';
import type { WebhookSource } from '../../core/inbound/webhook-events.ts';
import { asObject, type JsonObject } from '../../core/inbound/payload-fields.ts';
import { describeError } from '../../core/errors.ts';
import type { Metrics } from './metrics.ts';
import { verifyHmacSha256Hex } from './signature.ts';
import { limitBody } from './body-size-limit.ts';

/** How one sender signs and labels its deliveries. */
export interface WebhookSpec {
  readonly source: WebhookSource;
  /** Null: not configured, every request is refused. */
  readonly secret: string | null;
  signature(headers: Headers): string | null;
  deliveryId(headers: Headers, payload: JsonObject): string | null;
  event(headers: Headers, payload: JsonObject): string | null;
  /** True for the events the sender's mapper turns into facts; the rest are stored already processed. */
  handles(event: string): boolean;
}

/** What ingesting needs from the listener. */
export interface IngestDeps {
  readonly store: Store;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Called after a new actionable delivery is committed (wakes the inbox processor). */
  readonly onStored?: () => void;
}

type RejectReason = 'signature' | 'malformed' | 'too_large' | 'no_delivery_id';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MAX_DELIVERY_ID_LENGTH = 200;

/** A Hono app with `POST /` ingesting one sender's webhooks. */
export function ingestRoute(spec: WebhookSpec, deps: IngestDeps): Hono {
  const reject = (c: Context, reason: RejectReason, status: 400 | 401 | 413, error: string): Response => {
    deps.metrics.webhookRejected.inc({ source: spec.source, reason });
    deps.logger.warn({ source: spec.source, reason, status }, 'webhook delivery refused');
    return c.json({ error }, status);
  };
  return new Hono().post(
    '/',
    async (c, next) => (spec.secret ? next() : reject(c, 'signature', 401, 'invalid signature')),
    limitBody((c) => reject(c, 'too_large', 413, 'payload too large')),
    async (c) => {
      const raw = await readBody(c);
      if (!raw) return reject(c, 'malformed', 400, 'unreadable body');
      if (!verifyHmacSha256Hex(spec.secret, raw, spec.signature(c.req.raw.headers))) return reject(c, 'signature', 401, 'invalid signature');
      const text = decodeUtf8(raw);
      const payload = text === null ? null : parseObject(text);
      if (text === null || !payload) return reject(c, 'malformed', 400, 'payload is not a JSON object');
      const deliveryId = validDeliveryId(spec.deliveryId(c.req.raw.headers, payload));
      if (!deliveryId) return reject(c, 'no_delivery_id', 400, 'missing delivery id');
      const event = spec.event(c.req.raw.headers, payload)?.trim();
      if (!event) return reject(c, 'malformed', 400, 'missing event');
      return await record(c, spec, { deliveryId, event, text }, deps);
    },
  );
}

async function record(c: Context, spec: WebhookSpec, delivery: { deliveryId: string; event: string; text: string }, deps: IngestDeps): Promise<Response> {
  const { deliveryId, event } = delivery;
  const source = spec.source;
  const handled = spec.handles(event);
  let stored: InsertOutcome;
  try {
    stored = await insertDelivery(deps.store, { source, deliveryId, event, payload: delivery.text, now: deps.now(), processed: !handled });
  } catch (error) {
    deps.logger.error({ source, deliveryId, event, error: describeError(error) }, 'storing webhook delivery failed');
    return c.json({ error: 'store unavailable' }, 503);
  }
  const outcome = stored.type === 'duplicate' ? 'duplicate' : handled ? 'accepted' : 'ignored';
  deps.metrics.webhookDeliveries.inc({ source, outcome });
  deps.logger.info({ source, deliveryId, event, outcome, inboxId: stored.id }, 'webhook delivery');
  if (outcome === 'accepted') wake(deps, source);
  return outcome === 'ignored' ? c.json({ status: outcome }, 202) : c.json({ status: outcome }, 200);
}

async function readBody(c: Context): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await c.req.arrayBuffer());
  } catch {
    // The sender went away mid-body; nobody is left to answer, but it must not become a 500.
    return null;
  }
}

function decodeUtf8(raw: Uint8Array): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

function parseObject(text: string): JsonObject | null {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return null;
  }
}

function validDeliveryId(value: string | null): string | null {
  const id = value?.trim();
  if (!id || id.length > MAX_DELIVERY_ID_LENGTH || hasControlCharacter(id)) return null;
  return id;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function wake(deps: IngestDeps, source: WebhookSource): void {
  try {
    deps.onStored?.();
  } catch (error) {
    deps.logger.error({ source, error: describeError(error) }, 'waking the inbox processor failed');
  }
}
