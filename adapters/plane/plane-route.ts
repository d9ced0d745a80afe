/**
 * `POST /webhooks/plane`: Plane's headers (bgtasks/webhook_task.py) mapped onto the shared ingest
 * path. v2 deliveries carry `event_id`, stable across retries (each retry has a new
 * `X-Plane-Delivery`), so it is the idempotency key when present.
 */
import type { Hono } from 'hono';
import { textField } from '../../core/inbound/payload-fields.ts';
import { ingestRoute, type IngestDeps } from '../http/ingest.ts';
import { isPlaneEvent } from './plane-events.ts';

/** The Plane webhook route; `secret` null refuses everything. */
export function planeRoute(secret: string | null, deps: IngestDeps): Hono {
  return ingestRoute(
    {
      source: 'plane',
      secret,
      signature: (headers) => headers.get('x-plane-signature'),
      deliveryId: (headers, payload) => textField(payload, 'event_id') ?? headers.get('x-plane-delivery'),
      event: (headers, payload) => headers.get('x-plane-event') || textField(payload, 'event'),
      handles: isPlaneEvent,
    },
    deps,
  );
}
