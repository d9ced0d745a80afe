/**
 * End to end on the GitHub stand-in (real bare git repository, real SQLite, real listener socket):
 * a project with `"forge": "github"` gets GitHub-signed `push` and `check_run` webhooks that the
 * composed app stores, maps with the GitHub mapper and turns into a CI-green transition; a red
 * check run rolls the task back naming the check, its summary and its link; and the PR is opened
 * and merged through the composed forge port (the project's method: squash by default); when the
 * webhooks are lost, the reconciler reads GitHub's check runs and advances the task.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveListener } from '../../adapters/http/serve.ts';
import { checkRunPayload, pushPayload } from '../../adapters/sandbox/github/github-payloads.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import type { GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import { createApp } from '../../app/compose.ts';
import { buildIntegrations, buildListener } from '../../app/integrations.ts';
import { loadConfig } from '../../core/config/config.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { fixtureProject, inboxDrained, TASK, toAwaitingCi } from '../inbound/inbound-harness.ts';
import { createGitRemote, git, pushCommit, remoteFile, type GitRemote } from '../support/git-fixtures.ts';
import { sqliteApp, type SqliteApp } from '../support/sqlite-app.ts';

const TOKEN = 'ghp_e2e0123456789abcdefghijklmnopqrstuvwx';
const SECRET = 'github-e2e-webhook-secret';
const REPO = 'acme/shop';

interface World {
  readonly app: SqliteApp;
  readonly gh: GithubStandin;
  readonly repo: GhRepo;
  readonly remote: GitRemote;
  readonly forge: NonNullable<ReturnType<typeof buildIntegrations>['forge']>;
  send(event: string, payload: object): Promise<number>;
  close(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'conveyor-github-e2e-'));
  const remote = await createGitRemote();
  const gh = await startGithubStandin({ token: TOKEN, repos: { [REPO]: remote.remote } });
  const config = loadConfig({ ORCH_DB_PATH: join(root, 'conveyor.db'), ORCH_WORKDIR: join(root, 'work'), ORCH_RECONCILE_ENABLED: 'false', ORCH_RECONCILE_GRACE_S: '0', ORCH_LOG_LEVEL: 'silent', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, GITHUB_WEBHOOK_SECRET: SECRET });
  const project = fixtureProject({ forge: 'github', cloneUrl: remote.remote });
  const integrations = buildIntegrations(config, [project], { timeoutMs: 5000 });
  if (!integrations.forge) throw new Error('no forge composed');
  const app = sqliteApp(await createApp({ config, projects: [project], logger: silentLogger, env: {}, notifier: () => ({ deliver: async () => undefined }), forge: integrations.forge, readers: integrations.readers, inbound: integrations.inbound, pollMs: 50 }));
  const listener = await serveListener(buildListener({ app, config, logger: silentLogger }), { host: '127.0.0.1', port: 0 });
  app.inbox.start();
  const url = `http://127.0.0.1:${listener.port}/webhooks/github`;
  return {
    app,
    gh,
    repo: gh.state.repo(REPO)!,
    remote,
    forge: integrations.forge,
    async send(event, payload) {
      const delivery = await gh.deliverWebhook(url, SECRET, event, payload);
      await inboxDrained(app.store);
      return delivery.status;
    },
    async close() {
      await listener.close();
      await app.stop(1000);
      await gh.close();
      await remote.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('a project on GitHub', () => {
  it('signed push and check_run webhooks take the task to CI green; the PR merges through the client', async () => {
    const w = (world = await startWorld());
    const head = await pushCommit(w.remote.remote, 'task/SHOP-42', { 'src/coupon.txt': 'coupon\n' }, 'SHOP-42: coupons');
    await toAwaitingCi(w.app, head);
    expect(await w.send('push', pushPayload(w.gh.url, w.repo, 'task/SHOP-42', null, head))).toBe(200);
    const run = w.gh.state.checkRun(w.repo, head, { name: 'build', status: 'in_progress' });
    expect(await w.send('check_run', checkRunPayload(w.gh.url, w.repo, run, 'created'))).toBe(200);
    expect(await getTask(w.app.store.db, TASK)).toMatchObject({ stage: 'development', phase: 'awaiting-ci', headSha: head });

    w.gh.state.checkRun(w.repo, head, { id: run.id, name: 'build', conclusion: 'success', title: 'All 120 tests passed' });
    expect(await w.send('check_run', checkRunPayload(w.gh.url, w.repo, run, 'completed'))).toBe(200);
    const task = await getTask(w.app.store.db, TASK);
    expect(task?.stage).toBe('review');
    expect(task?.lastEvent).toContain(`CI green on ${head.slice(0, 7)}`);

    const number = await w.forge.ensurePullRequest(REPO, 'task/SHOP-42', 'main', 'SHOP-42: coupons', 'BRD');
    const before = await git(w.remote.remote, ['rev-parse', 'main']);
    // GitHub's answer names the commit now on main; the card shows it.
    expect(await w.forge.merge(REPO, number, head)).toEqual({ type: 'merged', sha: await git(w.remote.remote, ['rev-parse', 'main']) });
    expect(await remoteFile(w.remote.remote, 'main', 'src/coupon.txt')).toBe('coupon');
    // The project names no method: GitHub's default here is squash (one single-parent commit).
    expect(await git(w.remote.remote, ['log', '--format=%P', `${before}..main`])).toBe(before);
    expect(w.gh.state.pull(w.repo, number)).toMatchObject({ merged: true, state: 'closed' });
  });

  it('a red check run rolls the task back with the check\'s name, summary and link', async () => {
    const w = (world = await startWorld());
    const head = await pushCommit(w.remote.remote, 'task/SHOP-42', { 'src/coupon.txt': 'coupon\n' }, 'SHOP-42: coupons');
    await toAwaitingCi(w.app, head);
    const run = w.gh.state.checkRun(w.repo, head, { name: 'build', conclusion: 'failure', title: 'Tests failed', summary: '2 of 120 tests failed', detailsUrl: 'https://ci.example/runs/7' });
    expect(await w.send('check_run', checkRunPayload(w.gh.url, w.repo, run, 'completed'))).toBe(200);
    const task = await getTask(w.app.store.db, TASK);
    expect(task?.phase).not.toBe('awaiting-ci');
    expect(task?.mustFix).toContain('build: Tests failed: 2 of 120 tests failed (https://ci.example/runs/7)');
  });

  it('check_run and check_suite webhooks lost: the reconciler reads GitHub and advances the task', async () => {
    const w = (world = await startWorld());
    const head = await pushCommit(w.remote.remote, 'task/SHOP-42', { 'src/coupon.txt': 'coupon\n' }, 'SHOP-42: coupons');
    await toAwaitingCi(w.app, head);
    // The side worker opened the PR already; the task has no active job left.
    w.app.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE kind = 'forge'`).run();
    w.gh.state.checkRun(w.repo, head, { name: 'build', status: 'in_progress' });
    expect((await w.app.reconciler.runPass({ dryRun: false, actor: 'test' })).unblocked).toEqual([]);
    w.gh.state.checkRun(w.repo, head, { id: w.repo.checkRuns[0]!.id, name: 'build', conclusion: 'success' });
    const report = await w.app.reconciler.runPass({ dryRun: false, actor: 'test' });
    expect(report.unblocked.map((u) => u.taskId)).toEqual([TASK]);
    expect((await getTask(w.app.store.db, TASK))?.stage).toBe('review');
  });
});
