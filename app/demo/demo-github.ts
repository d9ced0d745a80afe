/**
 * The demo's GitHub: the GitHub stand-in (Conveyor's forge and issues clients talk to its REST API
 * through GITHUB_API_URL) hosting the demo's real bare repository, and doing what GitHub does around
 * it, with signed webhooks sent one at a time, in order:
 * - a push updates the branch and sends `push`; a push to a `task/*` branch also runs GitHub
 *   Actions: a check run `test` is created (`check_run` created), the repository's test command
 *   runs on the pushed tree, and the run completes green or red (`check_run` completed, then
 *   `check_suite` completed);
 * - an opened pull request sends `pull_request` opened; a merge through the API (the stand-in
 *   merges in the real repository with the requested method) sends `pull_request` closed with
 *   `merged: true` and the base branch's `push`;
 * - `openIssue` plays a person opening an issue with labels: `issues` opened, then one `labeled`
 *   per label, as GitHub sends them.
 * `drop` names events that are lost on the way (a test of the reconciler); they are counted, not sent.
 */
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { checkRunPayload, checkSuitePayload, pullRequestPayload, pushPayload } from '../../adapters/sandbox/github/github-payloads.ts';
import type { GhIssue, GhPull } from '../../adapters/sandbox/github/github-standin-model.ts';
import { ZERO_SHA } from './bare-repo.ts';
import { runActionsJob } from './demo-actions.ts';
import { startPushRelay, type RefUpdate } from './push-relay.ts';
import type { WebhookSent } from './webhook-log.ts';
import { backgroundWork } from './background-work.ts';

/** The check run GitHub Actions reports for the workflow's job `test`. */
export const GITHUB_CHECK = 'test';

/** Where the demo's GitHub lives and whom it tells. */
export interface DemoGithubOptions {
  /** The real repository (a bare repository: the project's cloneUrl). */
  readonly bare: string;
  /** `owner/name`; default branch `main`. */
  readonly repo: string;
  readonly token: string;
  /** What the Actions job runs on each pushed commit of a task branch. */
  readonly ciCommand: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onWebhook?: (sent: WebhookSent) => void;
  /** Events lost on the way (e.g. `check_run`, `check_suite`): never delivered. */
  readonly drop?: readonly string[];
}

/** A running demo GitHub. */
export interface DemoGithub {
  /** What GITHUB_API_URL holds. */
  readonly url: string;
  readonly standin: GithubStandin;
  /** Adds a repository webhook (Conveyor's `/webhooks/github` and its secret). */
  addWebhook(url: string, secret: string): void;
  /** A person opens an issue carrying `labels`; GitHub sends `opened` and a `labeled` per label. */
  openIssue(input: { title: string; body: string; labels: readonly string[]; user: string }): GhIssue;
  /** Deliveries not sent because their event is in `drop`. */
  readonly dropped: readonly string[];
  /** What went wrong in the background (a failed delivery, a CI run that could not start). */
  readonly problems: readonly string[];
  /** Wait until every webhook and CI run started so far is done. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** How long a queued job waits for a runner. */
const RUNNER_PICKUP_MS = 300;

/** Start the stand-in for `repo`, backed by the real repository, and hook into its pushes. */
export async function startDemoGithub(options: DemoGithubOptions): Promise<DemoGithub> {
  const { bare } = options;
  const standin = await startGithubStandin({ token: options.token, repos: { [options.repo]: bare } });
  const repo = standin.state.repo(options.repo);
  if (!repo) throw new Error(`demo github: ${options.repo} was not created`);
  const problems: string[] = [];
  const dropped: string[] = [];
  const hooks: { url: string; secret: string }[] = [];
  const work = backgroundWork(problems);
  const later = work.later;
  const deliver = async (event: string, payload: object, what: string) => {
    if (options.drop?.includes(event)) return void dropped.push(what);
    for (const hook of hooks) {
      const sent = await standin.deliverWebhook(hook.url, hook.secret, event, payload);
      options.onWebhook?.({ source: 'github', deliveryId: sent.deliveryId, what, status: sent.status, answer: sent.responseBody });
      if (sent.status >= 300) problems.push(`${what}: the listener answered ${sent.status}`);
    }
  };
  const send = (event: string, payload: () => object, what: string) => later(what, () => deliver(event, payload(), what));

  const ci = (sha: string, branch: string) => {
    const queued = standin.state.checkRun(repo, sha, { name: GITHUB_CHECK, status: 'queued' });
    send('check_run', () => checkRunPayload(standin.url, repo, queued, 'created'), `check_run "${GITHUB_CHECK}" queued on ${sha.slice(0, 7)}`);
    work.beside(`CI on ${sha.slice(0, 7)}`, async () => {
      await new Promise((resolve) => setTimeout(resolve, RUNNER_PICKUP_MS));
      const outcome = await runActionsJob(bare, sha, options.ciCommand, options.env);
      const conclusion = outcome.passed ? 'success' : 'failure';
      const done = standin.state.checkRun(repo, sha, { id: queued.id, name: GITHUB_CHECK, conclusion, title: outcome.passed ? 'Tests passed' : 'Tests failed', summary: outcome.description, detailsUrl: `https://github.com/${repo.fullName}/actions/runs/${queued.id}` });
      send('check_run', () => checkRunPayload(standin.url, repo, done, 'completed'), `check_run "${GITHUB_CHECK}" ${conclusion} on ${sha.slice(0, 7)}`);
      send('check_suite', () => checkSuitePayload(standin.url, repo, sha, branch, conclusion), `check_suite ${conclusion} on ${sha.slice(0, 7)}`);
    });
  };

  const onPush = (update: RefUpdate) => {
    if (!update.ref.startsWith('refs/heads/') || update.after === ZERO_SHA) return;
    const branch = update.ref.slice('refs/heads/'.length);
    const before = update.before === ZERO_SHA ? null : update.before;
    send('push', () => pushPayload(standin.url, repo, branch, before, update.after), `push ${branch} ${update.after.slice(0, 7)}`);
    if (branch.startsWith('task/')) later(`CI on ${update.after.slice(0, 7)}`, async () => ci(update.after, branch));
  };

  const seen = new Map<number, 'open' | 'closed'>();
  const watchPulls = () => {
    for (const pull of repo.pulls) {
      if (!seen.has(pull.number)) {
        seen.set(pull.number, 'open');
        send('pull_request', () => pullRequestPayload(standin.url, repo, pull, 'opened'), `pull_request #${pull.number} opened (${pull.head} → ${pull.base})`);
      }
      if (pull.state === 'closed' && seen.get(pull.number) !== 'closed') {
        seen.set(pull.number, 'closed');
        closed(pull);
      }
    }
  };
  const closed = (pull: GhPull) => {
    send('pull_request', () => pullRequestPayload(standin.url, repo, pull, 'closed'), `pull_request #${pull.number} ${pull.merged ? 'merged' : 'closed'}`);
    // A merge through the API moves the base branch without a `git push`: GitHub still sends `push`.
    if (pull.merged && pull.mergeCommitSha) {
      const sha = pull.mergeCommitSha;
      send('push', () => pushPayload(standin.url, repo, pull.base, pull.baseSha, sha), `push ${pull.base} ${sha.slice(0, 7)}`);
    }
  };
  const relay = await startPushRelay(bare, (updates) => updates.forEach(onPush));
  const timer = setInterval(watchPulls, 50);
  timer.unref();

  const settle = async () => {
    watchPulls();
    await work.settle();
  };
  return {
    url: standin.url,
    standin,
    problems,
    dropped,
    addWebhook: (url, secret) => void hooks.push({ url, secret }),
    openIssue(input) {
      const issue = standin.state.createIssue(repo, { title: input.title, body: input.body, labels: input.labels, user: input.user });
      const event = (action: 'opened' | 'labeled', label?: string) =>
        later(`issue #${issue.number} ${action}`, async () => {
          for (const hook of hooks) {
            const sent = await standin.deliverIssueEvent(hook.url, hook.secret, { repo: repo.fullName, number: issue.number, action, sender: input.user, ...(label ? { label } : {}) });
            options.onWebhook?.({ source: 'github', deliveryId: sent.deliveryId, what: `issues #${issue.number} ${action}${label ? ` "${label}"` : ''} by ${input.user}`, status: sent.status, answer: sent.responseBody });
          }
        });
      event('opened');
      for (const label of input.labels) event('labeled', label);
      return issue;
    },
    settle,
    async close() {
      clearInterval(timer);
      await settle();
      await relay.close();
      await standin.close();
    },
  };
}
