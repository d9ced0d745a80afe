/**
 * The repositories of the store port, gathered: a {@link Reader}'s `read` and a {@link Tx}'s
 * `write`. Each entry is declared next to core's free functions that delegate to it
 * (core/store/<x>-repo.ts); adapters implement them all (adapters/store-sql). ADR 0053.
 */
import type { CardReads, CardWrites } from './card-repo.ts';
import type { DashboardQueries } from './dashboard-queries.ts';
import type { JobWrites } from './job-repo.ts';
import type { TaskBulkWrites, TaskQueries } from './task-queries.ts';
import type { ApprovalReads, ApprovalWrites } from './approval-repo.ts';
import type { CiStatusReads, CiStatusWrites } from './ci-status-repo.ts';
import type { DeployImageReads, DeployImageWrites } from './deploy-image-repo.ts';
import type { InboxReads, InboxWrites } from './inbox-repo.ts';
import type { InstanceReads, InstanceWrites } from './instance-repo.ts';
import type { KvReads, KvWrites } from './kv-repo.ts';
import type { LeaseReads, LeaseWrites } from './lease-repo.ts';
import type { MetricsQueries } from './metrics-queries.ts';
import type { OutboxReads, OutboxWrites } from './outbox-repo.ts';
import type { ProjectWrites } from './project-repo.ts';
import type { RollbackReads, RollbackWrites } from './rollback-repo.ts';
import type { TaskReads, TaskWrites } from './task-repo.ts';
import type { TransitionReads, TransitionWrites } from './transition-log.ts';

/** Everything a reader can ask the store. */
export interface Reads {
  readonly tasks: TaskReads;
  readonly transitions: TransitionReads;
  readonly outbox: OutboxReads;
  readonly inbox: InboxReads;
  readonly approvals: ApprovalReads;
  readonly rollbacks: RollbackReads;
  readonly ciStatuses: CiStatusReads;
  readonly deployImages: DeployImageReads;
  readonly instances: InstanceReads;
  readonly leases: LeaseReads;
  readonly kv: KvReads;
  readonly cards: CardReads;
  readonly taskQueries: TaskQueries;
  readonly dashboard: DashboardQueries;
  readonly metrics: MetricsQueries;
}

/** Everything a transaction can change. */
export interface Writes {
  readonly tasks: TaskWrites;
  readonly transitions: TransitionWrites;
  readonly outbox: OutboxWrites;
  readonly inbox: InboxWrites;
  readonly approvals: ApprovalWrites;
  readonly rollbacks: RollbackWrites;
  readonly ciStatuses: CiStatusWrites;
  readonly deployImages: DeployImageWrites;
  readonly instances: InstanceWrites;
  readonly leases: LeaseWrites;
  readonly kv: KvWrites;
  readonly projects: ProjectWrites;
  readonly cards: CardWrites;
  readonly taskBulk: TaskBulkWrites;
  readonly jobs: JobWrites;
}
