/**
 * The Gitea stand-in's pull request routes: create (409 when an open PR for head/base exists, 422 for
 * head = base), list with page/limit and X-Total-Count, read, and merge with Gitea's checks in Gitea's
 * order (405 merged with an empty message, 405 "Please try again later", 409 head out of date, 409
 * merge conflicts as Gitea's bare ErrMergeConflicts struct).
 */
import type { Hono } from 'hono';
import { pullJson } from './gitea-standin-json.ts';
import type { GiteaResponder } from './gitea-standin-http.ts';

const MERGE_STYLES = ['merge', 'rebase', 'rebase-merge', 'squash', 'fast-forward-only', 'manually-merged'];
const REPO = '/api/v1/repos/:owner/:repo';

/** Adds the pull request routes to `app`. */
export function pullRoutes(app: Hono, r: GiteaResponder): void {
  const { state } = r;

  app.post(`${REPO}/pulls`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    if (!body) return r.error(c, 422, 'invalid JSON body');
    const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '');
    if (!text('title')) return r.error(c, 422, '[Title]: Required');
    const input = { head: text('head'), base: text('base'), title: text('title'), body: text('body') };
    const outcome = state.createPull(repo.fullName, input);
    switch (outcome.type) {
      case 'created':
        return r.json(c, 201, pullJson(r.base, repo, outcome.pull));
      case 'exists': {
        const p = outcome.pull;
        const ids = `id: ${p.id}, issue_id: ${p.id}, head_repo_id: ${repo.id}, base_repo_id: ${repo.id}`;
        return r.error(
          c,
          409,
          `pull request already exists for these targets [${ids}, head_branch: ${p.head}, base_branch: ${p.base}]`,
        );
      }
      case 'same-branch':
        return r.error(c, 422, 'Invalid PullRequest: There are no changes between the head and the base');
      case 'missing-branch':
        return r.notFound(c);
    }
  });

  app.get(`${REPO}/pulls`, (c) => {
    const repo = r.repo(c);
    const wanted = c.req.query('state') ?? 'open';
    const all = repo.pulls.filter((pull) => wanted === 'all' || pull.state === wanted).reverse();
    const limit = Math.min(Math.max(Number(c.req.query('limit')) || 30, 1), 50);
    const page = Math.max(Number(c.req.query('page')) || 1, 1);
    c.header('X-Total-Count', String(all.length));
    c.header(
      'Link',
      linkHeader(`${r.base}/api/v1/repos/${repo.fullName}/pulls?state=${wanted}`, page, limit, all.length),
    );
    return r.json(
      c,
      200,
      all.slice((page - 1) * limit, page * limit).map((pull) => pullJson(r.base, repo, pull)),
    );
  });

  app.get(`${REPO}/pulls/:index{[0-9]+}`, (c) => {
    const repo = r.repo(c);
    const pull = state.pullRequest(repo.fullName, Number(c.req.param('index')));
    return pull ? r.json(c, 200, pullJson(r.base, repo, pull)) : r.notFound(c, 'pull request does not exist');
  });

  app.get(`${REPO}/pulls/:index{[0-9]+}/merge`, (c) => {
    const pull = state.pullRequest(r.repo(c).fullName, Number(c.req.param('index')));
    return pull?.merged ? c.body(null, 204) : r.notFound(c);
  });

  app.post(`${REPO}/pulls/:index{[0-9]+}/merge`, async (c) => {
    const repo = r.repo(c);
    const body = await r.body(c);
    const style = body?.Do ?? body?.do;
    if (typeof style !== 'string' || !MERGE_STYLES.includes(style)) return r.error(c, 422, '[Do]: In');
    const outcome = state.merge(repo.fullName, Number(c.req.param('index')), {
      headCommitId: typeof body?.head_commit_id === 'string' ? body.head_commit_id : undefined,
      deleteBranch: body?.delete_branch_after_merge === true,
      style,
    });
    switch (outcome.type) {
      case 'merged':
        return c.body(null, 200);
      case 'not-found':
        return r.json(c, 404, {
          errors: ['pull request does not exist'],
          message: 'GetPullRequestByIndex',
          url: `${r.base}/api/swagger`,
        });
      case 'closed':
        return r.notFound(c);
      case 'already-merged':
        return r.error(c, 405, '');
      case 'try-later':
        return r.error(c, 405, 'Please try again later');
      case 'head-out-of-date':
        return r.error(c, 409, 'head out of date');
      case 'conflict':
        // Gitea marshals its ErrMergeConflicts struct as is: no `message` field.
        return r.json(c, 409, { Style: style, StdOut: '', StdErr: outcome.stderr, Err: {} });
    }
  });
}

function linkHeader(url: string, page: number, limit: number, total: number): string {
  const last = Math.max(1, Math.ceil(total / limit));
  const link = (to: number, rel: string) => `<${url}&page=${to}&limit=${limit}>; rel="${rel}"`;
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return links.join(',');
}
