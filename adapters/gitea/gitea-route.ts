/**
 * `POST /webhooks/gitea`: Gitea's headers (services/webhook/deliver.go) mapped onto the shared
 * ingest path.
 */
import type { Hono } from 'hono';
import { isGiteaEvent, resolveGiteaEvent } from './gitea-events.ts';
import { ingestRoute, type IngestDeps } from '../http/ingest.ts';
import { stripSha256Prefix } from '../http/signature.ts';

/** The Gitea webhook route; `secret` null refuses everything. */
export function giteaRoute(secret: string | null, deps: IngestDeps): Hono {
  return ingestRoute(
    {
      source: 'gitea',
      secret,
      // Gitea sends empty signature headers when the hook has no secret.
      signature: (headers) => headers.get('x-gitea-signature') || stripSha256Prefix(headers.get('x-hub-signature-256')),
      deliveryId: (headers) => headers.get('x-gitea-delivery') || headers.get('x-github-delivery'),
      event: (headers) => resolveGiteaEvent(headers.get('x-gitea-event'), headers.get('x-gitea-event-type')),
      handles: isGiteaEvent,
    },
    deps,
  );
}
