/** The GitHub stand-in's REST routes, with GitHub's paths, status codes and messages. */
import type { Context, Hono } from 'hono';
import type { GithubResponder } from './github-standin-http.ts';
import { checkRunJson, commentJson, pullJson, statusJson } from './github-standin-json.ts';
import type { GhRepo, GithubMergeMethod } from './github-standin-model.ts';

const REPO = '/repos/:owner/:repo';
const STATUS_STATES = new Set(['error', 'failure', 'pending', 'success']);
const METHODS = new Set(['merge', 'squash', 'rebase']);

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A ref as GitHub resolves it in `/commits/{ref}`: a branch name, else taken as a sha. */
function resolveRef(r: GithubResponder, repo: GhRepo, ref: string): string {
  return r.state.branchHead(repo, ref) ?? ref;
}

/** Mounts every route on `app`. */
export function githubRoutes(app: Hono, r: GithubResponder): void {
  app.get(`${REPO}/branches/:branch{.+}`, (c) => {
    const repo = r.repo(c);
    const name = decodeURIComponent(c.req.param('branch'));
    const sha = r.state.branchHead(repo, name);
    if (!sha) return r.error(c, 404, 'Branch not found');
    return r.json(c, 200, { name, commit: { sha, url: `${r.base}/repos/${repo.fullName}/commits/${sha}` }, protected: repo.protection !== null && name === repo.defaultBranch });
  });

  app.get(`${REPO}/pulls`, (c) => {
    const repo = r.repo(c);
    const state = c.req.query('state') ?? 'open';
    const head = c.req.query('head');
    const base = c.req.query('base');
    const perPage = Math.min(100, Math.max(1, Number(c.req.query('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const all = repo.pulls
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => !head || `${repo.owner}:${p.head}` === head)
      .filter((p) => !base || p.base === base)
      .reverse();
    const items = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length) {
      const url = new URL(c.req.url);
      url.searchParams.set('page', String(page + 1));
      headers['link'] = `<${r.base}${url.pathname}${url.search}>; rel="next"`;
    }
    return r.json(c, 200, items.map((p) => pullJson(r.base, repo, p, null)), headers);
  });

  app.post(`${REPO}/pulls`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 400, 'Problems parsing JSON');
    const created = r.state.createPull(repo, { head: str(body['head']) ?? '', base: str(body['base']) ?? '', title: str(body['title']) ?? '', body: str(body['body']) ?? '' });
    if (created.type === 'invalid') return r.invalid(c, created.message, created.errors);
    return r.json(c, 201, pullJson(r.base, repo, created.pull, { mergeable: null }));
  });

  app.get(`${REPO}/pulls/:number{[0-9]+}`, (c) => {
    const repo = r.repo(c);
    const pull = r.state.pull(repo, Number(c.req.param('number')));
    if (!pull) return r.notFound(c);
    return r.json(c, 200, pullJson(r.base, repo, pull, { mergeable: r.state.mergeable(repo, pull) }));
  });

  app.get(`${REPO}/pulls/:number{[0-9]+}/merge`, (c) => {
    const pull = r.state.pull(r.repo(c), Number(c.req.param('number')));
    return pull?.merged ? c.body(null, 204, r.rateHeaders()) : r.notFound(c);
  });

  app.put(`${REPO}/pulls/:number{[0-9]+}/merge`, async (c) => merge(c, r));

  app.post(`${REPO}/issues/:number{[0-9]+}/comments`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 400, 'Problems parsing JSON');
    const number = Number(c.req.param('number'));
    if (!r.state.pull(repo, number) && !r.state.issue(repo, number)) return r.notFound(c);
    const text = str(body['body']);
    if (!text) return r.invalid(c, 'Validation Failed', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
    return r.json(c, 201, commentJson(r.base, repo, r.state.comment(repo, number, text)));
  });

  app.post(`${REPO}/statuses/:sha`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 400, 'Problems parsing JSON');
    const state = str(body['state']);
    if (!state || !STATUS_STATES.has(state)) return r.invalid(c, 'Validation Failed', [{ resource: 'Status', field: 'state', code: 'custom', message: 'state is not included in the list' }]);
    const status = r.state.addStatus(repo, c.req.param('sha'), { state: state as 'success', context: str(body['context']) ?? 'default', description: str(body['description']), targetUrl: str(body['target_url']) });
    return r.json(c, 201, statusJson(r.base, repo, status));
  });

  app.get(`${REPO}/commits/:ref/status`, (c) => {
    const repo = r.repo(c);
    const sha = resolveRef(r, repo, c.req.param('ref'));
    const combined = r.state.combined(repo, sha);
    return r.json(c, 200, { state: combined.state, statuses: combined.statuses.map((s) => statusJson(r.base, repo, s)), sha, total_count: combined.statuses.length });
  });

  app.get(`${REPO}/commits/:ref/check-runs`, (c) => {
    const repo = r.repo(c);
    const runs = r.state.checkRuns(repo, resolveRef(r, repo, c.req.param('ref')));
    return r.json(c, 200, { total_count: runs.length, check_runs: runs.map((run) => checkRunJson(r.base, repo, run)) });
  });
}

async function merge(c: Context, r: GithubResponder): Promise<Response> {
  const repo = r.repo(c);
  const pull = r.state.pull(repo, Number(c.req.param('number')));
  if (!pull) return r.notFound(c);
  const body = (await r.body(c)) ?? {};
  const method = str(body['merge_method']) ?? 'merge';
  if (!METHODS.has(method)) return r.invalid(c, 'Validation Failed', [{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }]);
  const title = str(body['commit_title']) ?? `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`;
  const outcome = r.state.merge(repo, pull, { sha: str(body['sha']), method: method as GithubMergeMethod, title });
  if (outcome.type === 'merged') return r.json(c, 200, { sha: outcome.sha, merged: true, message: 'Pull Request successfully merged' });
  return r.error(c, outcome.status, outcome.message);
}
