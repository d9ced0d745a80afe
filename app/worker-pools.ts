/**
 * The job handlers and the worker pools that run them, built the same way for `conveyor start`
 * and `conveyor worker` (ADR 0055): agents, CI, git, Docker, merge, staging and deploy handlers
 * over this machine's ORCH_WORKDIR, each pool limited to the kinds of ORCH_WORKER_KINDS (a pool
 * left with no kind is not built).
 */
import { resolve } from 'node:path';
import { FileRunFiles } from '../adapters/agents/file-run-files.ts';
import { ProjectAgentRunners, runnerUser } from '../adapters/agents/agent-runner-selector.ts';
import { LocalCiRunner } from '../adapters/ci/local-ci-runner.ts';
import { ProcessDeployHook } from '../adapters/deploy/process-deploy-hook.ts';
import { DockerodeDocker } from '../adapters/docker/dockerode-docker.ts';
import { GitWorkspace } from '../adapters/git/git-workspace.ts';
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { Engine } from '../core/engine/engine.ts';
import { agentJob } from '../core/jobs/agent-job.ts';
import { ciJob } from '../core/jobs/ci-job.ts';
import { deployJob } from '../core/jobs/deploy-job.ts';
import type { JobDeps } from '../core/jobs/job-deps.ts';
import { mergeJob } from '../core/jobs/merge-job.ts';
import { rollbackJob } from '../core/jobs/rollback-job.ts';
import { cleanupJob, forgeJob, trackerJob } from '../core/jobs/side-jobs.ts';
import { stagingJob } from '../core/jobs/staging-job.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { DockerPort } from '../core/ports/docker.ts';
import type { ForgePort } from '../core/ports/forge.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { TrackerPort } from '../core/ports/tracker.ts';
import type { JobQueue } from '../core/queue/job-queue.ts';
import { HEAVY_KINDS, LIGHT_KINDS, STAGING_KINDS, type JobKind, type JobRow } from '../core/queue/job.ts';
import { WorkerPool } from '../core/queue/worker-pool.ts';
import { createStagingRunner } from '../core/staging/staging-run.ts';
import type { StagingRunnerPort } from '../core/staging/staging-types.ts';
import type { Store } from '../core/store/store.ts';

/** What the pools are built from. */
export interface WorkerPoolParts {
  readonly config: Config;
  readonly projects: readonly ProjectConfig[];
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  /** The lease owner of every claim: this process's instance id. */
  readonly owner: string;
  /** The environment agents, CI and hooks inherit. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly tracker: TrackerPort | null;
  readonly forge: ForgePort | null;
  /** Absent: the staging run over the Docker engine when a project lists deploy-staging; null: none. */
  readonly staging?: StagingRunnerPort | null;
  readonly deployHealthIntervalMs?: number;
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told how long each run took that ended in an outcome. */
  readonly onRun?: (job: JobRow, outcome: 'succeeded' | 'failed', ms: number) => void;
}

/** The agents pool (heavy), the side pool (light) and the staging pool, each cut to `config.workerKinds`. */
export function buildWorkerPools(parts: WorkerPoolParts): WorkerPool[] {
  const { config, clock, logger } = parts;
  const projects = new Map(parts.projects.map((p) => [p.id, p]));
  const workdir = resolve(config.workdir);
  // One Engine API client for container agents and staging, built only when a project needs it.
  let dockerClient: DockerPort | undefined;
  const docker = (): DockerPort => (dockerClient ??= new DockerodeDocker({ dockerHost: parts.env.DOCKER_HOST }));
  const deploys = parts.projects.some((p) => p.stages.includes('deploy'));
  const stages = parts.projects.some((p) => p.stages.includes('deploy-staging'));
  const jobDeps: JobDeps = {
    store: parts.store,
    projects,
    workspace: new GitWorkspace({ workdir, logger: logger.child({ part: 'git' }) }),
    agents: new ProjectAgentRunners(parts.projects, { baseEnv: parts.env, docker }),
    runFiles: new FileRunFiles({ workdir }),
    ci: new LocalCiRunner({ baseEnv: parts.env, userOf: (id) => runnerUser(projects.get(id)) }),
    tracker: parts.tracker,
    forge: parts.forge,
    agentTimeoutMs: config.agentTimeoutS * 1000,
    staging: parts.staging !== undefined ? parts.staging : stages ? createStagingRunner({ docker: docker(), clock }) : null,
    stagingInfraToleranceEnabled: config.staging.infraToleranceEnabled,
    // Image cleanup talks to the same engine staging builds on (not when a test supplies the runner).
    docker: (parts.staging === undefined && stages) || deploys ? docker() : null,
    // Production deploys (ADR 0032): hooks on this host, logs under the work dir.
    deployHooks: deploys ? new ProcessDeployHook({ workDir: workdir, baseEnv: parts.env }) : null,
    dockerHost: parts.env.DOCKER_HOST ?? '',
    ...(parts.deployHealthIntervalMs !== undefined ? { deployHealthIntervalMs: parts.deployHealthIntervalMs } : {}),
    mergeMaxWaitMs: config.mergeMaxWaitS * 1000,
    clock,
    logger: logger.child({ part: 'jobs' }),
  };
  const handlers = {
    agent: agentJob(jobDeps),
    ci: ciJob(jobDeps),
    merge: mergeJob(jobDeps),
    staging: stagingJob(jobDeps),
    deploy: deployJob(jobDeps),
    rollback: rollbackJob(jobDeps),
    cleanup: cleanupJob(jobDeps),
    tracker: trackerJob(jobDeps),
    forge: forgeJob(jobDeps),
  };
  const poolDeps = {
    store: parts.store,
    queue: parts.queue,
    engine: parts.engine,
    clock,
    logger: logger.child({ part: 'worker' }),
    ...(parts.onRun ? { onRun: parts.onRun } : {}),
  };
  const common = { handlers, owner: parts.owner, pollMs: parts.pollMs, leaseMs: parts.leaseMs };
  const allowed = new Set<JobKind>(config.workerKinds);
  const only = (kinds: readonly JobKind[]) => kinds.filter((kind) => allowed.has(kind));
  return [
    { name: 'agents', kinds: only(HEAVY_KINDS), concurrency: config.maxConcurrency },
    { name: 'side', kinds: only(LIGHT_KINDS), concurrency: 2 },
    // Staging holds its project's merge lease, so at most one run per project; its own pool keeps
    // a long Docker build from taking an agent or merge slot.
    { name: 'staging', kinds: only(STAGING_KINDS), concurrency: 2 },
  ]
    .filter((pool) => pool.kinds.length > 0)
    .map((pool) => new WorkerPool({ ...pool, ...common }, poolDeps));
}
