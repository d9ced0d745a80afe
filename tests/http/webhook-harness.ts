/**
 * Shared support for the listener tests: the signed fixtures, signing, a listener on a real
 * SQLite file in a temp dir, and a logger that records what it was given.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { inbox } from '../../adapters/store-sqlite/schema.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { createListener, type ListenerDeps } from '../../adapters/http/listener.ts';
import { createMetrics, type Metrics } from '../../adapters/http/metrics.ts';

export const SECRET = 'test-secret';
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Every signed webhook fixture and the route it belongs to. */
export const WEBHOOK_FIXTURES = [
  { name: 'gitea-push', source: 'gitea', event: 'push' },
  { name: 'gitea-status-failure', source: 'gitea', event: 'status' },
  { name: 'gitea-status-success', source: 'gitea', event: 'status' },
  { name: 'gitea-pull_request-opened', source: 'gitea', event: 'pull_request' },
  { name: 'gitea-pull_request-merged', source: 'gitea', event: 'pull_request' },
  { name: 'plane-issue-created', source: 'plane', event: 'issue' },
  { name: 'plane-issue-updated-state', source: 'plane', event: 'issue' },
] as const;

export type FixtureName = (typeof WEBHOOK_FIXTURES)[number]['name'];

// Transport headers are the client's business; the rest is what the sender sets.
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding']);

/** A fixture's exact body bytes, its text, and its sender headers (transport headers removed). */
export function fixture(name: FixtureName): { body: Buffer; text: string; headers: Record<string, string> } {
  const body = readFileSync(join(FIXTURES_DIR, `${name}.json`));
  const all = JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.headers.json`), 'utf8')) as Record<string, string>;
  const headers = Object.fromEntries(Object.entries(all).filter(([key]) => !TRANSPORT_HEADERS.has(key.toLowerCase())));
  return { body, text: body.toString('utf8'), headers };
}

/** Hex HMAC-SHA256 of `body`. */
export function sign(body: string | Uint8Array, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Headers for a Gitea delivery of `body` signed with `secret`. */
export function giteaHeaders(body: string | Uint8Array, deliveryId: string, event = 'push', secret = SECRET): Record<string, string> {
  return { 'Content-Type': 'application/json', 'X-Gitea-Delivery': deliveryId, 'X-Gitea-Event': event, 'X-Gitea-Signature': sign(body, secret) };
}

/** Headers for a Plane delivery of `body` signed with `secret`. */
export function planeHeaders(body: string | Uint8Array, deliveryId: string, event = 'issue', secret = SECRET): Record<string, string> {
  return { 'Content-Type': 'application/json', 'X-Plane-Delivery': deliveryId, 'X-Plane-Event': event, 'X-Plane-Signature': sign(body, secret) };
}

/** A logger that keeps every line. */
export function recordingLogger(): Logger & { readonly lines: { level: string; fields: object; message: string }[] } {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

/** A listener over a fresh SQLite file; `cleanup` closes and removes it. */
export function makeListener(overrides: Partial<ListenerDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-http-'));
  const store: Store = openStore(join(dir, 'conveyor.db'));
  const metrics: Metrics = overrides.metrics ?? createMetrics();
  const logger = recordingLogger();
  const app = createListener({
    store,
    giteaSecret: SECRET,
    planeSecret: SECRET,
    metrics,
    logger,
    health: async () => ({ ok: true, checks: { database: true } }),
    ...overrides,
  });
  return {
    app,
    store,
    metrics,
    logger,
    rows: () => store.readDb.select().from(inbox).orderBy(inbox.id).all(),
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST `body` with `headers` through `app.request()` (no socket). */
export function post(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string, body: string | Uint8Array, headers: Record<string, string>) {
  return app.request(path, { method: 'POST', body, headers });
}
