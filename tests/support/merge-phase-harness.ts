/**
 * The merge phase with its real parts, one job at a time: a real SQLite store, engine and queue,
 * a real git remote and GitWorkspace, the real local CI runner, optionally the Gitea stand-in
 * backed by the same bare repository, and a scripted StagingRunnerPort (the Docker half is tested
 * elsewhere). Tasks are brought to the end of `testing` directly; `runJob` plays one worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRunFiles } from '../../adapters/agents/file-run-files.ts';
import { ProcessAgentRunner } from '../../adapters/agents/process-agent-runner.ts';
import { LocalCiRunner } from '../../adapters/ci/local-ci-runner.ts';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { GithubClient } from '../../adapters/github/github-client.ts';
import { startGithubStandin, type GithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { startGiteaStandin, type GiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { DomainEvent } from '../../core/domain/events.ts';
import type { Task } from '../../core/domain/task.ts';
import { Engine } from '../../core/engine/engine.ts';
import { describeError, PermanentError, RetryableError } from '../../core/errors.ts';
import type { JobDeps } from '../../core/jobs/job-deps.ts';
import { mergeJob } from '../../core/jobs/merge-job.ts';
import { deployJob } from '../../core/jobs/deploy-job.ts';
import { ProcessDeployHook } from '../../adapters/deploy/process-deploy-hook.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { stagingJob } from '../../core/jobs/staging-job.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { JobKind } from '../../core/queue/job.ts';
import type { JobOutcome } from '../../core/queue/worker-pool.ts';
import type {
  StagingConfig,
  StagingInput,
  StagingResult,
  StagingRunnerPort,
} from '../../core/staging/staging-types.ts';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { makeProject } from './engine-harness.ts';
import { createGitRemote, pushCommit, type GitRemote } from './git-fixtures.ts';

export const STAGING: StagingConfig = {
  dockerfile: 'Dockerfile',
  context: '.',
  buildArgs: {},
  env: {},
  command: null,
  health: { command: 'true', timeoutS: 5 },
  checks: [
    { id: 'C1', name: 'API answers', command: 'true', class: 'real' },
    { id: 'C9a', name: 'sandbox tracker member', command: 'false', class: 'sandbox_infra' },
  ],
  strict: false,
  network: 'none',
  memoryMb: 64,
  timeoutS: 60,
};

/** A StagingRunnerPort that answers from a script and records what it was asked. */
export class ScriptedStaging implements StagingRunnerPort {
  readonly calls: StagingInput[] = [];
  constructor(private readonly verdicts: ('SUCCESS' | 'FAILED')[]) {}
  async run(input: StagingInput): Promise<StagingResult> {
    this.calls.push(input);
    const verdict = this.verdicts.shift() ?? 'SUCCESS';
    const failed = verdict === 'FAILED';
    const mustFix = failed
      ? 'FAIL C1 API answers\nwget: server returned error: HTTP/1.1 500 Internal Server Error'
      : null;
    const report = [
      '---',
      `staging_status: ${verdict}`,
      `revision: ${input.sha}`,
      `image: conveyor/shop:${input.sha}`,
      `waived: [${failed ? '' : 'C9a'}]`,
      '---',
      failed ? 'FAIL C1 API answers' : 'PASS C1 API answers',
      'FAIL C9a sandbox tracker member (SANDBOX_INFRA, waived)',
      `VERDICT: ${verdict}`,
      '',
    ].join('\n');
    return {
      verdict,
      revision: input.sha,
      imageId: `sha256:${'e'.repeat(64)}`,
      imageRef: `conveyor/${input.projectId.toLowerCase()}:${input.sha}`,
      checks: [],
      waived: failed ? [] : ['C9a'],
      reason: failed ? 'REAL check C1 failed' : null,
      mustFix,
      report,
      durationMs: 1,
    };
  }
}

export interface MergePhaseHarness {
  readonly dir: string;
  readonly git: GitRemote;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly project: ProjectConfig;
  readonly deps: JobDeps;
  readonly gitea: GiteaStandin | null;
  /** The GitHub stand-in when `github` was asked for (instead of Gitea). */
  readonly github: GithubStandin | null;
  readonly clock: { now(): number; advance(ms: number): void };
  task(id: string): Promise<Task>;
  handle(event: DomainEvent): ReturnType<Engine['handle']>;
  /** A task at the end of `testing` whose branch adds `files`; its tester's green report is handled (it enters the merge phase). */
  taskPassingTests(n: number, files: Record<string, string>): Promise<string>;
  /** Claim the next due job of `kind` and run it as a worker would; null when none is due. */
  runJob(kind: JobKind): Promise<JobOutcome | { type: 'failed'; error: string } | null>;
  cleanup(): Promise<void>;
}

export interface MergePhaseOptions {
  readonly stages?: readonly string[];
  readonly ciCommand?: string;
  readonly staging?: StagingRunnerPort | null;
  readonly forge?: boolean;
  /** The forge is the GitHub stand-in (with GithubClient) over the same bare repository. */
  readonly github?: boolean;
  readonly mergeMaxWaitMs?: number;
  readonly seed?: Record<string, string>;
  /** The project's `deploy` block as the projects file gives it (add `deploy` to `stages`). */
  readonly deploy?: Record<string, unknown>;
  /** The engine production deploys promote on (with `deploy`). */
  readonly docker?: DockerPort;
  readonly dockerHost?: string;
  /** The project's `git` block as the projects file gives it (default: squash as Conveyor). */
  readonly git?: Record<string, unknown>;
  /** The engine queues tracker comments (tasks with an external id). */
  readonly tracker?: boolean;
  /** More projects-file fields of the project (e.g. `chatId`). */
  readonly project?: Record<string, unknown>;
}

export async function mergePhaseHarness(options: MergePhaseOptions = {}): Promise<MergePhaseHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-merge-phase-'));
  const git = await createGitRemote();
  if (options.seed) await pushCommit(git.remote, 'main', options.seed, 'seed the tests');
  const base = makeProject({
    cloneUrl: git.remote,
    stages: options.stages ?? ['analysis', 'development', 'review', 'testing'],
    ...(options.ciCommand ? { ciCommand: options.ciCommand } : {}),
    ...(options.stages?.includes('deploy-staging') ? { staging: { health: { command: 'true' } } } : {}),
    ...(options.deploy ? { deploy: options.deploy } : {}),
    ...(options.git ? { git: options.git } : {}),
    ...options.project,
  });
  const project: ProjectConfig = base.staging ? { ...base, staging: STAGING } : base;
  const store = openStore(join(dir, 'c.db'));
  const queue = new JobQueue(store);
  let now = Date.now();
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const projects = new Map([[project.id, project]]);
  let ids = 0;
  const gitea = options.forge
    ? await startGiteaStandin({ token: 'tok', gitRepos: { [project.repo]: git.remote } })
    : null;
  const github = options.github ? await startGithubStandin({ token: 'tok', repos: { [project.repo]: git.remote } }) : null;
  const engine = new Engine(
    store,
    {
      queue,
      projects,
      maxDeveloperRetries: 3,
      trackerEnabled: options.tracker ?? false,
      forgeEnabled: gitea !== null || github !== null,
      newId: () => `x${(ids += 1)}`,
      logger: silentLogger,
    },
    clock,
  );
  const env = { PATH: process.env.PATH, HOME: dir };
  const deps: JobDeps = {
    store,
    projects,
    workspace: new GitWorkspace({ workdir: join(dir, 'work'), env }),
    agents: new ProcessAgentRunner({ baseEnv: env }),
    runFiles: new FileRunFiles({ workdir: join(dir, 'work') }),
    ci: new LocalCiRunner({ baseEnv: env }),
    tracker: null,
    forge: gitea
      ? new GiteaClient({ baseUrl: gitea.url, token: 'tok', timeoutMs: 5000 })
      : github
        ? new GithubClient({ apiUrl: github.url, token: 'tok', timeoutMs: 5000 })
        : null,
    agentTimeoutMs: 60_000,
    staging: options.staging === undefined ? new ScriptedStaging([]) : options.staging,
    stagingInfraToleranceEnabled: true,
    mergeMaxWaitMs: options.mergeMaxWaitMs ?? 6 * 3600_000,
    docker: options.docker ?? null,
    deployHooks: options.deploy ? new ProcessDeployHook({ workDir: join(dir, 'work'), baseEnv: env }) : null,
    dockerHost: options.dockerHost ?? '',
    deployHealthIntervalMs: 50,
    clock,
    logger: silentLogger,
  };
  const handlers = { merge: mergeJob(deps), staging: stagingJob(deps), deploy: deployJob(deps) } as const;
  const owner = 'harness';
  const task = async (id: string): Promise<Task> => {
    const t = await getTask(store.db, id);
    if (!t) throw new Error(`no task ${id}`);
    return t;
  };
  return {
    dir,
    git,
    store,
    queue,
    engine,
    project,
    deps,
    gitea,
    github,
    clock,
    task,
    handle: async (event) => await engine.handle(event),
    async taskPassingTests(n, files) {
      const created = await engine.handle({
        type: 'TaskRequested',
        key: `new:${n}`,
        projectId: project.id,
        title: `Task ${n}`,
        source: 'chat',
        number: n,
        actor: 'telegram:111',
      });
      if (created.type !== 'created') throw new Error(JSON.stringify(created));
      const id = created.taskId;
      const sha = await pushCommit(git.remote, `task/${id}`, files, `${id} development`);
      store.sqlite
        .prepare(
          `UPDATE tasks SET stage = 'testing', phase = 'working', attempts = ?, head_sha = ? WHERE id = ?`,
        )
        .run(JSON.stringify({ analyst: 1, developer: 1, reviewer: 1, tester: 1 }), sha, id);
      store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ?`).run(id);
      if (gitea)
        gitea.state.createPull(project.repo, { head: `task/${id}`, base: 'main', title: `${id} Task ${n}` });
      const hub = github?.state.repo(project.repo);
      if (github && hub) github.state.createPull(hub, { head: `task/${id}`, base: 'main', title: `${id} Task ${n}`, body: '' });
      const pr = gitea?.state.pullRequests(project.repo).find((p) => p.head === `task/${id}`) ?? hub?.pulls.find((p) => p.head === `task/${id}`);
      if (pr)
        await engine.handle({
          type: 'PullRequestOpened',
          key: `pr:${id}`,
          taskId: id,
          number: pr.number,
          actor: 'forge',
        });
      await engine.handle({
        type: 'AgentRunFinished',
        key: `tester:${id}`,
        taskId: id,
        jobId: 0,
        facts: {
          role: 'tester',
          attempt: 1,
          headSha: sha,
          artifacts: { '13-test-report.md': '---\nresult: PASS\n---\nok\n' },
          logTail: '',
        },
      });
      return id;
    },
    async runJob(kind) {
      const job = await queue.claim([kind], owner, clock.now(), 60_000);
      if (!job) return null;
      const handler = handlers[kind as keyof typeof handlers];
      if (!handler) throw new Error(`no handler for ${kind}`);
      try {
        const outcome = await handler.run(job, new AbortController().signal);
        if (outcome.type === 'defer')
          await queue.release(job.id, owner, clock.now() + outcome.delayMs, clock.now(), outcome.reason);
        else {
          await store.transaction(async (tx) => {
            await queue.completeInTx(tx, job.id, owner, clock.now());
            if (outcome.event) await engine.handleInTx(tx, outcome.event);
          });
        }
        return outcome;
      } catch (error) {
        const message = describeError(error);
        await store.transaction(async (tx) => {
          const result = await queue.failInTx(tx, job.id, owner, message, clock.now(), {
            permanent:
              error instanceof PermanentError || !(error instanceof RetryableError || error instanceof Error),
          });
          if (result.type === 'dead' && job.taskId)
            await engine.handleInTx(tx, {
              type: 'JobDead',
              key: `job-dead:${job.id}`,
              taskId: job.taskId,
              jobId: job.id,
              kind: job.kind,
              error: message,
            });
        });
        return { type: 'failed', error: message };
      }
    },
    async cleanup() {
      await gitea?.close();
      await github?.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
      await git.cleanup();
    },
  };
}
