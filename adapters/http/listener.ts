/**
 * The HTTP listener: Gitea, GitHub and Plane webhooks into the inbox, health, metrics, and (webhook mode)
 * the Telegram bot's update route. It decides nothing; the inbox processor acts on what it stores.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../../core/ports/logger.ts';
import type { Store } from '../../core/store/store.ts';
import { describeError } from '../../core/errors.ts';
import type { WebhookSource } from '../../core/inbound/webhook-events.ts';
import { giteaRoute } from '../gitea/gitea-route.ts';
import { githubRoute } from '../github/github-route.ts';
import { planeRoute } from '../plane/plane-route.ts';
import { healthRoute, type HealthReport } from './health-route.ts';
import { metricsRoute } from './metrics-route.ts';
import type { IngestDeps } from './ingest.ts';
import { limitBody } from './body-size-limit.ts';
import type { Metrics } from './metrics.ts';
import type { DashboardEnv } from '../dashboard/dashboard-session.ts';

/** Everything the listener needs; secrets null mean "not configured" (that route refuses all). */
export interface ListenerDeps {
  readonly store: Store;
  readonly giteaSecret: string | null;
  readonly planeSecret: string | null;
  /** GITHUB_WEBHOOK_SECRET; `/webhooks/github` refuses everything (401) while it is null or absent. */
  readonly githubSecret?: string | null;
  /**
   * The webhook sources the projects rely on: an unset secret is warned about only for these
   * (absent: gitea and plane). A GitHub-only team is not told about Gitea's and Plane's secrets.
   */
  readonly sources?: readonly WebhookSource[];
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly now?: () => number;
  /** Called after a new actionable delivery is committed (wakes the inbox processor). */
  readonly onStored?: () => void;
  /** Telegram webhook mode: the bot's update handler, mounted at `path` (POST). */
  readonly telegram?: { readonly path: string; readonly handler: (c: Context) => Response | Promise<Response> };
  readonly health: () => Promise<HealthReport>;
  /** Serve `/metrics` here (default); false when it has a listener of its own (ORCH_METRICS_*). */
  readonly serveMetrics?: boolean;
  /** The Mini App dashboard (adapters/dashboard), mounted at `/app`. */
  readonly dashboard?: Hono<DashboardEnv>;
}

/** Build the listener app (serve it with `serveListener`, or call `app.request()` in tests). */
export function createListener(deps: ListenerDeps): Hono {
  const ingest: IngestDeps = {
    store: deps.store,
    metrics: deps.metrics,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    ...(deps.onStored ? { onStored: deps.onStored } : {}),
  };
  const secrets: Readonly<Record<WebhookSource, string | null>> = { gitea: deps.giteaSecret, plane: deps.planeSecret, github: deps.githubSecret ?? null };
  for (const source of deps.sources ?? ['gitea', 'plane']) warnIfUnconfigured(source, secrets[source], deps.logger);

  const app = new Hono();
  app.route('/webhooks/gitea', giteaRoute(deps.giteaSecret, ingest));
  app.route('/webhooks/plane', planeRoute(deps.planeSecret, ingest));
  app.route('/webhooks/github', githubRoute(deps.githubSecret ?? null, ingest));
  app.route('/healthz', healthRoute(deps.health, deps.logger));
  if (deps.serveMetrics !== false) app.route('/metrics', metricsRoute(deps.metrics));
  if (deps.dashboard) app.route('/app', deps.dashboard);
  if (deps.telegram) {
    const { path, handler } = deps.telegram;
    app.post(path, limitBody((c) => c.json({ error: 'payload too large' }, 413)), (c) => handler(c));
  }
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    deps.logger.error({ path: c.req.path, error: describeError(error) }, 'listener request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}

function warnIfUnconfigured(source: WebhookSource, secret: string | null, logger: Logger): void {
  if (!secret) logger.warn({ source }, `${source} webhook secret is not configured: every ${source} delivery will be refused (401)`);
}
