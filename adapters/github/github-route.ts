/**
 * `POST /webhooks/github`: GitHub's headers on the shared ingest path — `X-Hub-Signature-256`
 * (`sha256=<hex>`, checked in constant time; no secret configured refuses everything with 401),
 * `X-GitHub-Delivery` as the dedupe key, `X-GitHub-Event`. A verified `ping` answers 200.
 */
import { Hono } from 'hono';
import { ingestRoute, type IngestDeps } from '../http/ingest.ts';
import { stripSha256Prefix } from '../http/signature.ts';
import { isGithubEvent } from './github-events.ts';

/** The GitHub webhook route; `secret` null refuses everything. */
export function githubRoute(secret: string | null, deps: IngestDeps): Hono {
  const ingest = ingestRoute(
    {
      source: 'github',
      secret,
      signature: (headers) => stripSha256Prefix(headers.get('x-hub-signature-256')),
      deliveryId: (headers) => headers.get('x-github-delivery'),
      event: (headers) => headers.get('x-github-event'),
      handles: isGithubEvent,
    },
    deps,
  );
  const app = new Hono();
  app.use('/', async (c, next) => {
    await next();
    // Stored (so it is deduplicated and visible) but not actionable: GitHub's hook check wants a 2xx.
    if (c.req.header('x-github-event') === 'ping' && c.res.status === 202) c.res = c.json({ status: 'pong' }, 200);
  });
  app.route('/', ingest);
  return app;
}
