/**
 * How the Gitea stand-in answers, shaped like Gitea's APIContext: Go-serialised JSON, errors as
 * `{"message", "url"}` and not-found as `{"errors", "message": "not found", "url"}`.
 */
import type { Context } from 'hono';
import { goJson } from './go-json.ts';
import type { StandinRepo } from './gitea-standin-model.ts';
import type { GiteaStandinState } from './gitea-standin-state.ts';

/** Response helpers bound to one stand-in (its state and, once listening, its base URL). */
export class GiteaResponder {
  /** Set once the server listens; links and error `url`s are absolute like Gitea's. */
  base = '';

  constructor(readonly state: GiteaStandinState) {}

  /** A JSON answer (Gitea's encoder ends the body with a newline). */
  json<C extends Context>(c: C, status: number, body: unknown): Response {
    return c.body(`${goJson(body)}\n`, status as 200, { 'Content-Type': 'application/json;charset=utf-8' });
  }

  /** `ctx.APIError(status, message)`. */
  error<C extends Context>(c: C, status: number, message: string): Response {
    return this.json(c, status, { message, url: `${this.base}/api/swagger` });
  }

  /** `ctx.APIErrorNotFound(errors…)`. */
  notFound<C extends Context>(c: C, ...errors: string[]): Response {
    return this.json(c, 404, {
      errors: errors.length ? errors : null,
      message: 'not found',
      url: `${this.base}/api/swagger`,
    });
  }

  /** The repository named by the `:owner/:repo` path params (checked by middleware before routes run). */
  repo<C extends Context>(c: C): StandinRepo {
    const repo = this.state.repo(`${c.req.param('owner')}/${c.req.param('repo')}`);
    if (!repo) throw new Error('gitea stand-in: route reached without a repository');
    return repo;
  }

  /** The JSON object body, or null when it is not one. */
  async body<C extends Context>(c: C): Promise<Record<string, unknown> | null> {
    try {
      const body: unknown = await c.req.json();
      return body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }
}
