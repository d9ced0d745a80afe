/** What `/queue` shows, as data: agents running and queued, tasks per stage, escalations, leases, the reconciler, the processes. */
import { mapInOrder } from '../map-in-order.ts';
import { ALL_STAGES, type WorkStage } from '../domain/stage.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Store } from '../store/store.ts';
import { listLeases } from '../store/lease-repo.ts';
import { LEADER_LEASE_NAME } from '../ports/leader-lease.ts';
import { mergeLeaseHolder, mergeWaiters } from '../store/merge-lease.ts';
import { kvGet } from '../store/kv-repo.ts';
import { buildWorkersView, type WorkersView } from './workers-view.ts';

export interface ReconcilerStats {
  readonly lastPassAt: number | null;
  readonly lastPassMs: number | null;
  readonly unblockedTotal: number;
  readonly lastUnblocked: { readonly taskId: string; readonly reason: string; readonly at: number } | null;
}

export const RECONCILER_STATS_KEY = 'reconciler:stats';

export interface QueueView {
  readonly capacity: number;
  readonly running: readonly { taskId: string; role: string; since: number }[];
  readonly queued: readonly { taskId: string; role: string; since: number; retry: boolean }[];
  readonly perStage: Readonly<Record<WorkStage, number>>;
  readonly escalated: readonly { taskId: string; reason: string }[];
  /** BRDs waiting for a decision, with who may decide (Telegram user ids). */
  readonly awaitingApproval: readonly { taskId: string; approvers: readonly number[] }[];
  readonly leases: readonly { name: string; holder: string; since: number }[];
  /** Per project with a merge lease or waiters: the holder and the waiting tasks in order (position = index + 1). */
  readonly mergeQueues: readonly { projectId: string; holder: string | null; waiting: readonly string[] }[];
  readonly reconciler: ReconcilerStats | null;
  /** The processes on this database and the leader (ADR 0055). */
  readonly workers: WorkersView;
}

/** `approversOf` names who decides a project's BRDs (empty when unknown). */
export async function buildQueueView(store: Store, queue: JobQueue, capacity: number, approversOf: (projectId: string) => readonly number[] = () => []): Promise<QueueView> {
  const active = (await queue.active()).filter((j) => j.kind === 'agent' || j.kind === 'ci');
  const roleOf = (payload: Record<string, unknown>, kind: string): string => (kind === 'ci' ? 'ci' : typeof payload.role === 'string' ? payload.role : kind);
  const queries = store.db.read.taskQueries;
  const counts = await queries.stageCounts();
  const perStage = Object.fromEntries(ALL_STAGES.map((s) => [s, counts.find((c) => c.stage === s)?.n ?? 0])) as Record<WorkStage, number>;
  const escalated = (await queries.escalatedOpen()).map((t) => ({ taskId: t.taskId, reason: t.reason ?? '' }));
  const awaitingApproval = (await queries.awaitingApproval()).map((t) => ({ taskId: t.taskId, approvers: approversOf(t.projectId) }));
  const stats = await kvGet(store.db, RECONCILER_STATS_KEY);
  return {
    capacity,
    running: active.filter((j) => j.state === 'running').map((j) => ({ taskId: j.taskId ?? '?', role: roleOf(j.payload, j.kind), since: j.startedAt ?? j.updatedAt })),
    queued: active.filter((j) => j.state === 'queued').map((j) => ({ taskId: j.taskId ?? '?', role: roleOf(j.payload, j.kind), since: j.createdAt, retry: j.attempts > 0 })),
    perStage,
    escalated,
    awaitingApproval,
    // The leader lease (ADR 0052) shares the table but is not a task's lease.
    leases: (await listLeases(store.db)).filter((l) => l.name !== LEADER_LEASE_NAME).map((l) => ({ name: l.name, holder: l.holder, since: l.acquiredAt })),
    mergeQueues: await mergeQueuesOf(store),
    reconciler: stats !== null ? (JSON.parse(stats) as ReconcilerStats) : null,
    workers: await buildWorkersView(store.db),
  };
}

async function mergeQueuesOf(store: Store): Promise<QueueView['mergeQueues']> {
  const projectIds = await store.db.read.taskQueries.mergeQueuedProjects();
  const queues = await mapInOrder(projectIds, async (projectId) => ({
    projectId,
    holder: (await mergeLeaseHolder(store.db, projectId))?.holder ?? null,
    waiting: (await mergeWaiters(store.db, projectId)).map((t) => t.id),
  }));
  return queues.filter((q) => q.waiting.length > 0);
}
