/**
 * Job kinds the workers know. `agent` and `ci` are heavy (bounded by ORCH_MAX_CONCURRENCY);
 * `staging` (Docker build, container, checks) has its own pool so it never holds an agent slot.
 */
export type JobKind = 'agent' | 'ci' | 'merge' | 'cleanup' | 'tracker' | 'forge' | 'staging' | 'deploy' | 'rollback';

export const HEAVY_KINDS: readonly JobKind[] = ['agent', 'ci'];
export const LIGHT_KINDS: readonly JobKind[] = ['merge', 'cleanup', 'tracker', 'forge'];
/** The production deploy (hook, health loop) runs on the staging pool too (ADR 0032). */
export const STAGING_KINDS: readonly JobKind[] = ['staging', 'deploy', 'rollback'];

/** A job row as stored. */
export interface JobRow {
  id: number;
  kind: string;
  taskId: string | null;
  payload: Record<string, unknown>;
  state: string;
  attempts: number;
  maxAttempts: number;
  availableAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  idempotencyKey: string;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Job states: queued → running → succeeded | queued (retry) | dead | cancelled. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'dead' | 'cancelled';

/** A job to enqueue. The idempotency key makes a second enqueue of one effect a no-op. */
export interface NewJob {
  readonly kind: JobKind;
  readonly taskId: string | null;
  readonly payload: Record<string, unknown>;
  readonly idempotencyKey: string;
  readonly availableAt?: number;
  readonly maxAttempts?: number;
}
