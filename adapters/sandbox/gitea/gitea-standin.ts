/**
 * An HTTP stand-in for Gitea's REST API v1, for tests and the offline demo. It serves the routes the
 * orchestrator uses with Gitea's real paths (`/branches/*` takes slashes, `/commits/{ref}` one
 * segment), status codes and error bodies (`{"message", "url"}`, 404 adds `errors`), and can send
 * Gitea-signed webhooks. Point GITEA_URL at `url`.
 */
import { Hono } from 'hono';
import { commitRoutes } from './gitea-standin-commits.ts';
import { GiteaResponder } from './gitea-standin-http.ts';
import { pullRoutes } from './gitea-standin-pulls.ts';
import { GiteaStandinState } from './gitea-standin-state.ts';
import { deliverWebhook, type GiteaDelivery, type GiteaDeliveryOptions } from './gitea-webhook.ts';
import { StandinHarness, type RecordedRequest, type StandinFault } from '../standin-server.ts';

/** Stand-in configuration. */
export interface GiteaStandinOptions {
  /** The only token accepted (`Authorization: token …` or `Bearer …`). */
  readonly token: string;
  /** Repositories to create (`owner/name`, default branch `main`). */
  readonly repos?: readonly string[];
  /** Repositories backed by a real bare git repository (`owner/name` → path); created if not in `repos`. */
  readonly gitRepos?: Readonly<Record<string, string>>;
  /** Clock for timestamps. */
  readonly now?: () => number;
}

/** A running stand-in. */
export interface GiteaStandin {
  /** Base URL without `/api/v1` (what GITEA_URL holds). */
  readonly url: string;
  /** In-memory world and control helpers. */
  readonly state: GiteaStandinState;
  /** Every request received. */
  readonly requests: readonly RecordedRequest[];
  /** Answers the next matching request(s) with an error, or never. */
  injectFault(fault: StandinFault, times?: number): void;
  /** Sends a Gitea-signed webhook (see gitea-webhook.ts). */
  deliverWebhook(
    targetUrl: string,
    secret: string,
    eventType: string,
    payload: object | string,
    options?: GiteaDeliveryOptions,
  ): Promise<GiteaDelivery>;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startGiteaStandin(options: GiteaStandinOptions): Promise<GiteaStandin> {
  const state = new GiteaStandinState(options.now);
  for (const repo of options.repos ?? []) state.addRepo(repo);
  for (const [repo, bare] of Object.entries(options.gitRepos ?? {})) {
    if (!state.repo(repo)) state.addRepo(repo);
    state.attachGit(repo, bare);
  }
  const harness = new StandinHarness();
  const r = new GiteaResponder(state);
  const app = new Hono();

  app.use('*', harness.middleware());
  app.use('/api/v1/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given =
      /^(?:token|bearer)\s+(.+)$/i.exec(header)?.[1] ?? c.req.query('token') ?? c.req.query('access_token');
    if (given !== undefined && given !== options.token)
      return r.error(c, 401, 'invalid username, password or token');
    // Anonymous: reads of a private repository are 404, writes need a token.
    if (given === undefined)
      return c.req.method === 'GET' ? r.notFound(c) : r.error(c, 401, 'token is required');
    return next();
  });
  app.use('/api/v1/repos/:owner/:repo/*', async (c, next) => {
    const fullName = `${c.req.param('owner')}/${c.req.param('repo')}`;
    if (!state.repo(fullName)) return r.notFound(c);
    state.refresh(fullName);
    return next();
  });
  pullRoutes(app, r);
  commitRoutes(app, r);
  app.notFound((c) => r.notFound(c));

  const server = await harness.listen(app);
  r.base = server.url;
  return {
    url: server.url,
    state,
    requests: harness.requests,
    injectFault: (fault, times) => harness.injectFault(fault, times),
    deliverWebhook: (targetUrl, secret, eventType, payload, deliveryOptions) =>
      deliverWebhook(targetUrl, secret, eventType, payload, deliveryOptions),
    close: server.close,
  };
}
