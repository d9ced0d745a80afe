import type { ProjectConfig } from '../config/projects.ts';
import type { Task } from '../domain/task.ts';
import { PermanentError } from '../errors.ts';
import type { AgentRunnerPort, RunFilesPort } from '../ports/agent-runner.ts';
import type { CiRunnerPort } from '../ports/ci-runner.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeployHookPort } from '../ports/deploy-hook.ts';
import type { DockerPort } from '../ports/docker.ts';
import type { ForgePort } from '../ports/forge.ts';
import type { Logger } from '../ports/logger.ts';
import type { TrackerPort } from '../ports/tracker.ts';
import type { WorkspacePort } from '../ports/workspace.ts';
import type { StagingRunnerPort } from '../staging/staging-types.ts';
import type { JobRow } from '../queue/job.ts';
import type { Store } from '../store/store.ts';
import { getTask } from '../store/task-repo.ts';

/** What job handlers reach the world through. */
export interface JobDeps {
  readonly store: Store;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly workspace: WorkspacePort;
  readonly agents: AgentRunnerPort;
  readonly runFiles: RunFilesPort;
  readonly ci: CiRunnerPort;
  readonly tracker: TrackerPort | null;
  readonly forge: ForgePort | null;
  readonly agentTimeoutMs: number;
  /** Runs the staging stage; null when no Docker engine is configured (staging then escalates). */
  readonly staging: StagingRunnerPort | null;
  /** ORCH_STAGING_INFRA_TOLERANCE_ENABLED: false makes every staging run strict. */
  readonly stagingInfraToleranceEnabled: boolean;
  /** ORCH_MERGE_MAX_WAIT_S in ms: how long a task may wait for the merge lease before escalating. */
  readonly mergeMaxWaitMs: number;
  /** The Docker engine, when a project uses a Docker stage (image cleanup). */
  readonly docker?: DockerPort | null;
  /** Runs production deploy hooks and health commands; null when no project lists `deploy`. */
  readonly deployHooks?: DeployHookPort | null;
  /** The DOCKER_HOST a deploy hook is given (design §10); empty for the local socket. */
  readonly dockerHost?: string;
  /** Pause between production health probes (tests shorten it); the §10 default otherwise. */
  readonly deployHealthIntervalMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The task and project a job belongs to; a job for a vanished task is a permanent failure. */
export async function jobSubject(deps: JobDeps, job: JobRow): Promise<{ task: Task; project: ProjectConfig }> {
  const task = job.taskId ? await getTask(deps.store.db, job.taskId) : null;
  if (!task) throw new PermanentError(`job ${job.id}: task ${job.taskId ?? '(none)'} not found`);
  const project = deps.projects.get(task.projectId);
  if (!project) throw new PermanentError(`job ${job.id}: project ${task.projectId} is not configured`);
  return { task, project };
}
