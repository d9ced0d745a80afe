/**
 * How the GitHub stand-in answers, like api.github.com: JSON with `{message, documentation_url,
 * status}` errors, `x-ratelimit-*` headers on every answer, 401 "Bad credentials", and rate limits
 * — the primary (403/429 with `x-ratelimit-remaining: 0` and the reset epoch) and secondary ones
 * (403/429 with `retry-after`) — that a test switches on.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { GhRepo } from './github-standin-model.ts';
import type { GithubStandinState } from './github-standin-state.ts';

const DOCS = 'https://docs.github.com/rest';

/** A limit a test arms: the next `times` requests get it. */
export type ArmedLimit =
  | { readonly kind: 'secondary'; readonly status: 403 | 429; readonly retryAfterS: number }
  | { readonly kind: 'primary'; readonly status: 403 | 429; readonly resetInS: number };

/** Response helpers and the rate-limit budget of one stand-in. */
export class GithubResponder {
  /** Set once listening; objects carry absolute API URLs like GitHub's. */
  base = '';
  readonly limit = 5000;
  used = 0;
  private readonly armed: ArmedLimit[] = [];

  constructor(
    readonly state: GithubStandinState,
    private readonly token: string,
    private readonly now: () => number,
  ) {}

  /** Arms `limit` for the next `times` requests. */
  arm(limit: ArmedLimit, times = 1): void {
    for (let i = 0; i < times; i++) this.armed.push(limit);
  }

  json<C extends Context>(c: C, status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return c.body(JSON.stringify(body), status as 200, { 'Content-Type': 'application/json; charset=utf-8', ...this.rateHeaders(), ...headers });
  }

  error<C extends Context>(c: C, status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
    return this.json(c, status, { message, ...extra, documentation_url: DOCS, status: String(status) }, headers);
  }

  notFound<C extends Context>(c: C): Response {
    return this.error(c, 404, 'Not Found');
  }

  /** 422 with GitHub's `errors` list. */
  invalid<C extends Context>(c: C, message: string, errors: readonly object[]): Response {
    return this.error(c, 422, message, { errors });
  }

  /** Token check, then any armed limit, then the request counts against the budget. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const given = /^(?:token|bearer)\s+(.+)$/i.exec(header)?.[1];
      if (given === undefined) return this.error(c, 401, 'Requires authentication');
      if (given !== this.token) return this.error(c, 401, 'Bad credentials');
      const limit = this.armed.shift();
      if (limit?.kind === 'secondary') {
        return this.error(c, limit.status, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', {}, { 'retry-after': String(limit.retryAfterS) });
      }
      if (limit?.kind === 'primary') {
        const reset = Math.ceil(this.now() / 1000) + limit.resetInS;
        return this.error(c, limit.status, 'API rate limit exceeded for user ID 1.', {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(this.limit), 'x-ratelimit-reset': String(reset) });
      }
      this.used += 1;
      await next();
    };
  }

  rateHeaders(): Record<string, string> {
    const reset = Math.ceil(this.now() / 1000 / 3600) * 3600;
    return { 'x-ratelimit-limit': String(this.limit), 'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)), 'x-ratelimit-used': String(this.used), 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core', 'x-github-api-version-selected': '2022-11-28' };
  }

  /** The repository named by `:owner/:repo` (middleware checked it exists). */
  repo<C extends Context>(c: C): GhRepo {
    const repo = this.state.repo(`${c.req.param('owner')}/${c.req.param('repo')}`);
    if (!repo) throw new Error('github stand-in: route reached without a repository');
    return repo;
  }

  /** The JSON object body, or null. */
  async body<C extends Context>(c: C): Promise<Record<string, unknown> | null> {
    try {
      const body: unknown = await c.req.json();
      return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
}
