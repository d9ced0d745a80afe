/**
 * What a task's card shows, as data (design §7). Built from the store at send time, so the card
 * always shows the latest state; rendering (text or HTML, en or ru) happens in the bot layer.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { ALL_STAGES, STAGE_SPECS, type Role, type WorkStage } from '../domain/stage.ts';
import { artifactsDirOf, type Task } from '../domain/task.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { hasApproval, pendingApproval } from '../store/approval-repo.ts';
import type { Store } from '../store/store.ts';
import { inMergePhase } from '../domain/merge-phase.ts';
import { listLeases } from '../store/lease-repo.ts';
import { mergeLeaseHolder, mergeQueuePosition } from '../store/merge-lease.ts';
import { getTask } from '../store/task-repo.ts';
import { rollbackInProgress, rollbackOf, type RollbackRecord } from '../store/rollback-repo.ts';
import { loadDeployState } from '../store/deploy-state-repo.ts';
import { publicLink } from '../links/public-url.ts';
import type { RepoLinks } from '../ports/forge-links.ts';

/** One step of the progress line. `approval` sits between analysis and development. */
export type ProgressStep = WorkStage | 'approval';
export type StepState = 'done' | 'current' | 'pending';

/** Why the task is not moving right now. */
export type Waiting =
  | { type: 'agent'; role: Role; attempt: number; state: 'queued' | 'running'; since: number; retryAt: number | null }
  /** `gate` is absent for the BRD approval. */
  | { type: 'approval'; approvers: readonly number[]; gate?: 'deploy' }
  | { type: 'ci'; sha: string | null; local: boolean }
  | { type: 'merge'; leaseHolder: string | null }
  /** In the merge phase behind another task's merge lease (design §10). */
  | { type: 'merge-lease'; holder: string; position: number }
  | { type: 'staging'; state: 'queued' | 'running'; since: number }
  /** The production deploy: its job waits, or its hook runs (detached for a self-deploy). */
  | { type: 'deploy'; state: 'queued' | 'running'; since: number }
  /** The deploy's hook waits for a confirmed roll-back of the same project (ADR 0034). */
  | { type: 'deploy-after-rollback'; rollbackOf: string }
  | { type: 'escalated'; reason: string }
  | { type: 'blocked' }
  | { type: 'delivered' }
  | { type: 'cancelled' }
  | { type: 'nothing' };

export interface CardView {
  readonly task: Task;
  readonly steps: readonly { step: ProgressStep; state: StepState }[];
  readonly attempt: number;
  readonly maxRollbacks: number;
  readonly waiting: Waiting;
  readonly links: { tracker: string | null; branch: string; pr: number | null; brd: string | null };
  /** Browser links, each present only when it may be shown (core/links/public-url.ts). */
  readonly urls: { readonly tracker: string | null; readonly pr: string | null; readonly branch: string | null; readonly brd: string | null };
  /** A delivered task's one-tap roll-back, once confirmed (ADR 0034); absent otherwise. */
  readonly rollback?: RollbackRecord | null;
}

/** Build the card of `taskId`; null when the task or its project is unknown. */
export async function buildCardView(
  store: Store,
  queue: JobQueue,
  projects: ReadonlyMap<string, ProjectConfig>,
  taskId: string,
  maxRollbacks: number,
  forge: RepoLinks | null,
): Promise<CardView | null> {
  const task = await getTask(store.db, taskId);
  const project = task ? projects.get(task.projectId) : undefined;
  if (!task || !project) return null;
  // Only a BRD that exists: the analyst may have run and failed without writing one.
  const brd = await hasApproval(store.db, task.id, 'brd') ? `${artifactsDirOf(task.id)}/01-brd.md` : null;
  const role = task.stage in STAGE_SPECS ? STAGE_SPECS[task.stage as WorkStage].role : null;
  return {
    task,
    steps: stepsOf(task, project),
    attempt: role ? (task.attempts[role] ?? 0) : 0,
    maxRollbacks,
    waiting: await waitingOf(store, queue, task, project),
    links: {
      tracker: task.externalUrl,
      branch: task.branch,
      pr: task.prNumber,
      brd,
    },
    urls: {
      tracker: publicLink(task.externalUrl),
      pr: forge && task.prNumber !== null ? publicLink(forge.pr(task.prNumber)) : null,
      branch: forge ? publicLink(forge.branch(task.branch)) : null,
      brd: forge && brd ? publicLink(forge.file(task.branch, brd)) : null,
    },
    rollback: task.stage === 'done' && project.deploy ? await rollbackOf(store.db, task.id) : null,
  };
}

function stepsOf(task: Task, project: ProjectConfig): { step: ProgressStep; state: StepState }[] {
  const order: ProgressStep[] = [];
  for (const stage of ALL_STAGES) {
    if (!project.stages.includes(stage)) continue;
    order.push(stage);
    if (stage === 'analysis') order.push('approval');
  }
  const current: ProgressStep | null =
    task.stage === 'done' || task.stage === 'cancelled'
      ? null
      : task.stage === 'analysis' && task.phase === 'awaiting-approval'
        ? 'approval'
        : task.stage;
  const doneAll = task.stage === 'done';
  const currentIndex = current ? order.indexOf(current) : -1;
  return order.map((step, i) => ({
    step,
    state: doneAll ? 'done' : i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'pending',
  }));
}

async function waitingOf(store: Store, queue: JobQueue, task: Task, project: ProjectConfig): Promise<Waiting> {
  if (task.stage === 'done') return { type: 'delivered' };
  if (task.stage === 'cancelled') return { type: 'cancelled' };
  if (task.escalated) return { type: 'escalated', reason: task.escalationReason ?? '' };
  if (task.blocked) return { type: 'blocked' };
  if (inMergePhase(task) && task.phase !== 'awaiting-ci') {
    const holder = (await mergeLeaseHolder(store.db, project.id))?.holder ?? null;
    const position = holder && holder !== task.id ? await mergeQueuePosition(store.db, task) : null;
    if (holder && position !== null) return { type: 'merge-lease', holder, position };
  }
  if (task.stage === 'deploy-staging' && task.phase === 'working') {
    const job = (await queue.activeForTask(task.id)).find((j) => j.kind === 'staging');
    if (job) return { type: 'staging', state: job.state === 'running' ? 'running' : 'queued', since: job.state === 'running' ? (job.startedAt ?? job.updatedAt) : job.createdAt };
  }
  if (task.stage === 'deploy' && task.phase === 'working') {
    const deploying = await deployWaiting(store, queue, task);
    if (deploying) return deploying;
  }
  switch (task.phase) {
    case 'awaiting-approval':
      if (task.stage === 'deploy')
        return await pendingApproval(store.db, task.id, 'deploy') ? { type: 'approval', approvers: project.deploy?.approvers ?? project.approvers, gate: 'deploy' } : { type: 'nothing' };
      return await pendingApproval(store.db, task.id, 'brd') ? { type: 'approval', approvers: project.approvers } : { type: 'nothing' };
    case 'awaiting-ci':
      return { type: 'ci', sha: task.headSha, local: project.ciCommand !== undefined };
    case 'merging': {
      const lease = (await listLeases(store.db)).find((l) => l.name === `merge:${project.id}`);
      return { type: 'merge', leaseHolder: lease && lease.holder !== task.id ? lease.holder : null };
    }
    case 'working': {
      const job = (await queue.activeForTask(task.id)).find((j) => j.kind === 'agent');
      if (!job) return { type: 'nothing' };
      const running = job.state === 'running';
      return {
        type: 'agent',
        role: job.payload.role as Role,
        attempt: Number(job.payload.attempt) || 0,
        state: running ? 'running' : 'queued',
        since: running ? (job.startedAt ?? job.updatedAt) : job.createdAt,
        retryAt: !running && job.attempts > 0 ? job.availableAt : null,
      };
    }
    default:
      return { type: 'nothing' };
  }
}

/** Running from the moment the hook started (a self-deploy's job sits deferred meanwhile) or the job runs. */
async function deployWaiting(store: Store, queue: JobQueue, task: Task): Promise<Waiting | null> {
  const job = (await queue.activeForTask(task.id)).find((j) => j.kind === 'deploy');
  if (!job) return null;
  const state = await loadDeployState(store.db, task.id);
  const hookSince = state && state.hookStartedAt !== null && state.hookResult === null ? state.hookStartedAt : null;
  if (hookSince !== null) return { type: 'deploy', state: 'running', since: hookSince };
  const rollback = await rollbackInProgress(store.db, task.projectId);
  if (rollback) return { type: 'deploy-after-rollback', rollbackOf: rollback.taskId };
  if (job.state === 'running') return { type: 'deploy', state: 'running', since: job.startedAt ?? job.updatedAt };
  return { type: 'deploy', state: 'queued', since: job.createdAt };
}
