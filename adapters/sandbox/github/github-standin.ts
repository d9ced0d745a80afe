/**
 * An HTTP stand-in for GitHub's REST API (api.github.com, or GitHub Enterprise's /api/v3), for
 * tests and the offline demo. Repositories are real bare git repositories; the routes the forge
 * client uses answer with GitHub's paths, codes and messages (401, 403/429 rate limits, 404, 405,
 * 409, 422), and it sends GitHub-signed webhooks. Point GITHUB_API_URL at `url`.
 */
import { Hono } from 'hono';
import { StandinHarness, type RecordedRequest, type StandinFault } from '../standin-server.ts';
import { GithubResponder, type ArmedLimit } from './github-standin-http.ts';
import { issuesPayload } from './github-payloads.ts';
import { githubIssueRoutes } from './github-standin-issues.ts';
import { githubRoutes } from './github-standin-routes.ts';
import { GithubStandinState } from './github-standin-state.ts';
import { deliverGithubWebhook, type GithubDelivery } from './github-webhook.ts';

/** Stand-in configuration. */
export interface GithubStandinOptions {
  /** The only token accepted (`Authorization: Bearer …` or `token …`). */
  readonly token: string;
  /** Repositories: `owner/name` → path of its bare git repository (default branch `main`). */
  readonly repos: Readonly<Record<string, string>>;
  readonly now?: () => number;
}

/** A running stand-in. */
export interface GithubStandin {
  /** The API base URL (what GITHUB_API_URL holds). */
  readonly url: string;
  readonly state: GithubStandinState;
  readonly requests: readonly RecordedRequest[];
  /** Arms a primary or secondary rate limit for the next `times` API requests. */
  rateLimit(limit: ArmedLimit, times?: number): void;
  /** Answers the next matching request(s) with an error, or never (a proxy's failure). */
  injectFault(fault: StandinFault, times?: number): void;
  /** Sends a GitHub-signed webhook. */
  deliverWebhook(targetUrl: string, secret: string, event: string, payload: object | string, options?: { deliveryId?: string }): Promise<GithubDelivery>;
  /** Sends a signed `issues` webhook for issue `number` of `repo` as it is now (`label`: the one (un)labeled). */
  deliverIssueEvent(targetUrl: string, secret: string, input: { repo: string; number: number; action: 'opened' | 'labeled' | 'unlabeled' | 'closed' | 'reopened'; label?: string; sender?: string; deliveryId?: string }): Promise<GithubDelivery>;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port. */
export async function startGithubStandin(options: GithubStandinOptions): Promise<GithubStandin> {
  const now = options.now ?? Date.now;
  const state = new GithubStandinState(now);
  for (const [name, bare] of Object.entries(options.repos)) state.addRepo(name, bare);
  const harness = new StandinHarness();
  const r = new GithubResponder(state, options.token, now);
  const app = new Hono();
  app.use('*', harness.middleware());
  app.use('*', r.middleware());
  app.use('/repos/:owner/:repo/*', async (c, next) => {
    const repo = state.repo(`${c.req.param('owner')}/${c.req.param('repo')}`);
    if (!repo) return r.notFound(c);
    state.refresh(repo);
    return next();
  });
  githubIssueRoutes(app, r);
  githubRoutes(app, r);
  app.notFound((c) => r.notFound(c));
  const server = await harness.listen(app);
  r.base = server.url;
  return {
    url: server.url,
    state,
    requests: harness.requests,
    rateLimit: (limit, times) => r.arm(limit, times),
    injectFault: (fault, times) => harness.injectFault(fault, times),
    deliverWebhook: (targetUrl, secret, event, payload, deliveryOptions) => deliverGithubWebhook(targetUrl, secret, event, payload, deliveryOptions),
    deliverIssueEvent: (targetUrl, secret, input) => {
      const repo = state.repo(input.repo);
      const issue = repo ? state.issue(repo, input.number) : undefined;
      if (!repo || !issue) throw new Error(`github stand-in: no issue ${input.repo}#${input.number}`);
      return deliverGithubWebhook(targetUrl, secret, 'issues', issuesPayload(server.url, repo, issue, input.action, input.label, input.sender), input.deliveryId ? { deliveryId: input.deliveryId } : {});
    },
    close: server.close,
  };
}
