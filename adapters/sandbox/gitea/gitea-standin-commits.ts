/**
 * The Gitea stand-in's commit routes: post and list commit statuses (answered with `status`, not
 * `state`), read a branch (`/branches/*`: the name may contain slashes) and the combined status of a
 * ref (`/commits/{ref}/status`: one segment, so a branch with slashes arrives %2F-encoded).
 */
import type { Hono } from 'hono';
import { branchJson, combinedJson, statusJson } from './gitea-standin-json.ts';
import type { GiteaResponder } from './gitea-standin-http.ts';
import { combineStates } from './gitea-standin-model.ts';

const REPO = '/api/v1/repos/:owner/:repo';

/** Adds the status, branch and combined-status routes to `app`. */
export function commitRoutes(app: Hono, r: GiteaResponder): void {
  const { state } = r;

  app.post(`${REPO}/statuses/:sha`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 422, 'invalid JSON body');
    const text = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
    const status = state.postStatus(repo.fullName, c.req.param('sha'), {
      state: text('state') ?? '',
      context: text('context'),
      description: text('description'),
      targetUrl: text('target_url'),
    });
    return r.json(c, 201, statusJson(r.base, repo, status));
  });

  app.get(`${REPO}/statuses/:sha`, (c) => {
    const repo = r.repo(c);
    const statuses = [...state.statuses(repo.fullName, c.req.param('sha'))].reverse();
    c.header('X-Total-Count', String(statuses.length));
    return r.json(
      c,
      200,
      statuses.map((status) => statusJson(r.base, repo, status)),
    );
  });

  app.get(`${REPO}/branches/:branch{.+}`, (c) => {
    const repo = r.repo(c);
    const name = c.req.param('branch');
    const sha = repo.branches.get(name);
    return sha
      ? r.json(c, 200, branchJson(r.base, repo, name, sha))
      : r.notFound(c, `branch does not exist [name: ${name}]`);
  });

  app.get(`${REPO}/commits/:ref/status`, (c) => {
    const repo = r.repo(c);
    const ref = c.req.param('ref');
    const sha = repo.branches.get(ref) ?? (/^[0-9a-f]{7,64}$/.test(ref) ? ref : null);
    if (!sha) return r.notFound(c, `object does not exist [id: ${ref}, rel_path: ]`);
    const latest = state.latestStatuses(repo.fullName, sha);
    c.header('X-Total-Count', String(latest.length));
    return r.json(c, 200, combinedJson(r.base, repo, sha, combineStates(latest.map((s) => s.state)), latest));
  });
}
