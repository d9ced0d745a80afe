/**
 * An HTTP stand-in for Plane's REST API v1 (CE), for tests and the offline demo. Real paths (trailing
 * slashes, UUID path converters, `work-items/` and the legacy `issues/`), DRF error bodies and status
 * codes (a missing or wrong `X-API-Key` is 403, as DRF answers when the authenticator sets no
 * WWW-Authenticate), cursor pagination, the per-key throttle with its headers, comment external-id
 * uniqueness, and Plane-signed `issue` webhooks for every work item change. Point PLANE_API_URL at `url`.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { StandinHarness, type RecordedRequest, type StandinFault } from '../standin-server.ts';
import { PlaneRateLimit } from './plane-rate-limit.ts';
import { PlaneResponder } from './plane-standin-http.ts';
import { planeRoutes } from './plane-standin-routes.ts';
import { PlaneStandinState } from './plane-standin-state.ts';
import { deliverPlaneWebhook, issueWebhookPayload, type PlaneDelivery } from './plane-webhook.ts';
import { pythonJson } from './python-json.ts';

/** Stand-in configuration. */
export interface PlaneStandinOptions {
  /** The only API key accepted. */
  readonly apiKey: string;
  /** Workspace slug. */
  readonly workspace: string;
  /** Projects to create (id defaults to a random UUID), each with Plane's default states. */
  readonly projects: readonly { readonly id?: string; readonly identifier: string }[];
  /** Requests per window per key; default Plane's 60 per 60 s. */
  readonly rateLimit?: { readonly limit: number; readonly windowMs?: number };
  /** Clock for the throttle and timestamps. */
  readonly now?: () => number;
}

/** A running stand-in. */
export interface PlaneStandin {
  /** Base URL without `/api/v1` (what PLANE_API_URL holds). */
  readonly url: string;
  /** In-memory workspace and control helpers (create and move work items, read comments). */
  readonly state: PlaneStandinState;
  readonly requests: readonly RecordedRequest[];
  /** Webhook deliveries made so far (failed ones have status 0). */
  readonly deliveries: readonly PlaneDelivery[];
  /** Registers a workspace webhook: every work item change is sent to it, signed with `secret`. */
  addWebhook(targetUrl: string, secret: string): string;
  /** Resolves when every webhook delivery started so far has finished. */
  webhooksIdle(): Promise<void>;
  injectFault(fault: StandinFault, times?: number): void;
  close(): Promise<void>;
}

const NOT_FOUND_HTML =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startPlaneStandin(options: PlaneStandinOptions): Promise<PlaneStandin> {
  const now = options.now ?? Date.now;
  const state = new PlaneStandinState(now);
  for (const project of options.projects) state.addProject(project);
  const limit = options.rateLimit;
  const throttle = new PlaneRateLimit(limit?.limit ?? 60, limit?.windowMs ?? 60_000, now);
  const harness = new StandinHarness();
  const r = new PlaneResponder(state, options.workspace);
  const hooks = new Map<string, { url: string; secret: string }>();
  const deliveries: PlaneDelivery[] = [];
  const pending = new Set<Promise<void>>();

  state.onActivity = (activity) => {
    for (const [id, hook] of hooks) {
      const payload = issueWebhookPayload(activity, state, id);
      const failed = {
        deliveryId: '',
        status: 0,
        responseBody: '',
        body: pythonJson(payload, 'dumps'),
        headers: {},
      };
      const sent = deliverPlaneWebhook(hook.url, hook.secret, payload)
        .then((delivery) => void deliveries.push(delivery))
        .catch(() => void deliveries.push(failed))
        .finally(() => pending.delete(sent));
      pending.add(sent);
    }
  };

  const app = new Hono();
  app.use('*', harness.middleware());
  app.use('/api/v1/*', async (c, next) => {
    const key = c.req.header('x-api-key');
    if (!key) return r.detail(c, 403, 'Authentication credentials were not provided.');
    if (key !== options.apiKey) return r.detail(c, 403, 'Given API token is not valid');
    const decision = throttle.take(key);
    if (decision.type === 'throttled') {
      const wait = decision.waitSeconds;
      c.header('Retry-After', String(wait));
      return r.detail(
        c,
        429,
        `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
      );
    }
    c.header('X-RateLimit-Remaining', String(decision.remaining));
    c.header('X-RateLimit-Reset', String(decision.resetEpochSeconds));
    return next();
  });
  planeRoutes(app, r);
  app.notFound((c) => c.html(NOT_FOUND_HTML, 404));

  const server = await harness.listen(app);
  return {
    url: server.url,
    state,
    requests: harness.requests,
    deliveries,
    addWebhook(targetUrl, secret) {
      const id = randomUUID();
      hooks.set(id, { url: targetUrl, secret });
      return id;
    },
    webhooksIdle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    injectFault: (fault, times) => harness.injectFault(fault, times),
    close: async () => {
      await Promise.all([...pending]);
      await server.close();
    },
  };
}
