/**
 * The demo's Gitea: the Gitea stand-in (Conveyor's forge client talks to its REST API through
 * GITEA_URL) hosting the demo's real bare repository, and doing what Gitea does around it:
 * - a push to the repository updates the branch heads the API reports and sends a signed `push`
 *   webhook; a push to a `task/*` branch also runs the repository's CI (Gitea Actions), posting
 *   `CI / test (push)` pending, then success or failure, each with a signed `status` webhook;
 * - an opened pull request sends `pull_request` opened;
 * - a pull request merged through the API is merged in the real repository (the stand-in applies
 *   the requested style on it: squash, merge, rebase or fast-forward-only), then `pull_request`
 *   closed+merged and the `push` of the base branch are sent.
 * Webhooks go out one at a time, in order, like Gitea's hook queue for one repository.
 */
import { startGiteaStandin, type GiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import type { StandinPull } from '../../adapters/sandbox/gitea/gitea-standin-model.ts';
import { branchHead, commitOf, pushedCommits, ZERO_SHA } from './bare-repo.ts';
import { ACTIONS_CONTEXT, runActionsJob } from './demo-actions.ts';
import { pullRequestPayload, pushPayload, statusPayload } from './gitea-payloads.ts';
import { startPushRelay, type RefUpdate } from './push-relay.ts';
import type { WebhookSent } from './webhook-log.ts';
import { backgroundWork } from './background-work.ts';

/** Where the demo's Gitea lives and whom it tells. */
export interface DemoGiteaOptions {
  /** The real repository (a bare repository: the project's cloneUrl). */
  readonly bare: string;
  /** Its name on Gitea (`owner/name`); default branch `main`. */
  readonly repo: string;
  readonly token: string;
  /** What the Actions workflow runs on each pushed commit of a task branch. */
  readonly ciCommand: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onWebhook: (sent: WebhookSent) => void;
}

/** A running demo Gitea. */
export interface DemoGitea {
  /** What GITEA_URL holds. */
  readonly url: string;
  readonly standin: GiteaStandin;
  /** Adds a repository webhook (Conveyor's `/webhooks/gitea` and its secret); events before it are not sent. */
  addWebhook(url: string, secret: string): void;
  /** What went wrong in the background (a failed delivery, a merge that could not be applied). */
  readonly problems: readonly string[];
  /** Apply pending merges and wait until every webhook and CI run started so far is done. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_BRANCH = 'main';
/** How long a queued Actions job waits for a runner (act_runner polls every 2 s by default). */
const RUNNER_PICKUP_MS = 500;

/** Start the stand-in for `repo`, point it at the real repository, and hook into its pushes. */
export async function startDemoGitea(options: DemoGiteaOptions): Promise<DemoGitea> {
  const { bare, repo } = options;
  // Backed by the real repository: the merge API writes the style's commits into it, so the sha
  // Conveyor reads back (and the card shows) is the one on main.
  const standin = await startGiteaStandin({ token: options.token, repos: [repo], gitRepos: { [repo]: bare } });
  const hosted = standin.state.repo(repo);
  if (!hosted) throw new Error(`demo gitea: ${repo} was not created`);
  standin.state.setBranchHead(repo, DEFAULT_BRANCH, (await branchHead(bare, DEFAULT_BRANCH)) ?? undefined);
  const problems: string[] = [];
  const hooks: { url: string; secret: string }[] = [];
  const work = backgroundWork(problems);
  const later = work.later;
  const deliver = async (eventType: string, payload: object, what: string) => {
    for (const hook of hooks) {
      const sent = await standin.deliverWebhook(hook.url, hook.secret, eventType, payload);
      options.onWebhook({
        source: 'gitea',
        deliveryId: sent.deliveryId,
        what,
        status: sent.status,
        answer: sent.responseBody,
      });
    }
  };

  // CI runs beside the webhook queue (a runner picks the job up a moment later, as act_runner polls).
  const ci = (sha: string) => {
    const targetUrl = `${standin.url}/${repo}/actions/runs/${sha.slice(0, 7)}/jobs/0`;
    const post = (state: string, description: string) => {
      const status = standin.state.postStatus(repo, sha, {
        state,
        context: ACTIONS_CONTEXT,
        description,
        targetUrl,
        creator: 'gitea-actions',
      });
      later(`status ${state} on ${sha.slice(0, 7)}`, async () => {
        await deliver(
          'status',
          statusPayload(standin.url, hosted, status, await commitOf(bare, sha)),
          `status "${ACTIONS_CONTEXT}" ${state} on ${sha.slice(0, 7)}`,
        );
      });
    };
    post('pending', 'Waiting to run');
    work.beside(`CI on ${sha.slice(0, 7)}`, async () => {
      await new Promise((resolve) => setTimeout(resolve, RUNNER_PICKUP_MS));
      const outcome = await runActionsJob(bare, sha, options.ciCommand, options.env);
      post(outcome.passed ? 'success' : 'failure', outcome.description);
    });
  };

  const onPush = (update: RefUpdate) => {
    if (!update.ref.startsWith('refs/heads/')) return;
    const branch = update.ref.slice('refs/heads/'.length);
    // Gitea reports a deleted branch with a `delete` event, which Conveyor does not subscribe to.
    if (update.after === ZERO_SHA) return standin.state.deleteBranch(repo, branch);
    standin.state.setBranchHead(repo, branch, update.after);
    later(`push to ${branch}`, async () => {
      const commits = await pushedCommits(bare, update.before, update.after, DEFAULT_BRANCH);
      await deliver(
        'push',
        pushPayload(standin.url, hosted, { ...update, commits }),
        `push ${branch} ${update.after.slice(0, 7)}`,
      );
      if (branch.startsWith('task/')) ci(update.after);
    });
  };

  const merge = async (pull: StandinPull) => {
    const sha = pull.mergeCommitSha;
    const before = pull.mergedOver;
    if (!sha || !before) throw new Error(`PR #${pull.number} is marked merged without its commits`);
    const merged = { sha, before };
    await deliver(
      'pull_request',
      pullRequestPayload(standin.url, hosted, pull, 'closed', Date.now()),
      `pull_request #${pull.number} merged`,
    );
    const commits = await pushedCommits(bare, merged.before, merged.sha, pull.base);
    await deliver(
      'push',
      pushPayload(standin.url, hosted, {
        ref: `refs/heads/${pull.base}`,
        before: merged.before,
        after: merged.sha,
        commits,
      }),
      `push ${pull.base} ${merged.sha.slice(0, 7)}`,
    );
  };

  const seen = new Map<number, 'open' | 'merged'>();
  const watchPulls = () => {
    for (const pull of standin.state.pullRequests(repo)) {
      if (!seen.has(pull.number)) {
        seen.set(pull.number, 'open');
        later(`PR #${pull.number} opened`, () =>
          deliver(
            'pull_request',
            pullRequestPayload(standin.url, hosted, pull, 'opened', Date.now()),
            `pull_request #${pull.number} opened (${pull.head} → ${pull.base})`,
          ),
        );
      }
      if (pull.merged && seen.get(pull.number) !== 'merged') {
        seen.set(pull.number, 'merged');
        later(`PR #${pull.number} merged`, () => merge(pull));
      }
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
    addWebhook: (url, secret) => void hooks.push({ url, secret }),
    settle,
    async close() {
      clearInterval(timer);
      await settle();
      await relay.close();
      await standin.close();
    },
  };
}
