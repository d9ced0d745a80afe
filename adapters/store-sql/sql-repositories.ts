/**
 * Every repository of the store port on one drizzle handle (ADR 0053): SQLite passes its
 * better-sqlite3 handle and schema; PostgreSQL passes its node-postgres handle and pg-core schema
 * through one documented cast (the same table and column names; the implementations use only
 * the portable subset described in portable-db.ts).
 */
import type { Reads, Writes } from '../../core/store/repositories.ts';
import { sqlApprovalReads, sqlApprovalWrites } from './approval-repo.ts';
import { sqlCardReads, sqlCardWrites } from './card-repo.ts';
import { sqlDashboardQueries } from './dashboard-queries.ts';
import { sqlJobWrites } from './job-repo.ts';
import { sqlTaskBulkWrites, sqlTaskQueries } from './task-queries.ts';
import { sqlCiStatusReads, sqlCiStatusWrites } from './ci-status-repo.ts';
import { sqlDeployImageReads, sqlDeployImageWrites } from './deploy-image-repo.ts';
import { sqlInboxReads, sqlInboxWrites } from './inbox-repo.ts';
import { sqlInstanceReads, sqlInstanceWrites } from './instance-repo.ts';
import { sqlKvReads, sqlKvWrites } from './kv-repo.ts';
import { sqlLeaseReads, sqlLeaseWrites } from './lease-repo.ts';
import { sqlMetricsQueries } from './metrics-queries.ts';
import { sqlOutboxReads, sqlOutboxWrites } from './outbox-repo.ts';
import type { PortableDb, Tables } from './portable-db.ts';
import { sqlProjectWrites } from './project-repo.ts';
import { sqlRollbackReads, sqlRollbackWrites } from './rollback-repo.ts';
import { sqlTaskReads, sqlTaskWrites } from './task-repo.ts';
import { sqlTransitionReads, sqlTransitionWrites } from './transition-repo.ts';

export type { PortableDb, Tables } from './portable-db.ts';

/** The reads of `db` (any connection). */
export function sqlReads(db: PortableDb, tables: Tables): Reads {
  return {
    tasks: sqlTaskReads(db, tables),
    transitions: sqlTransitionReads(db, tables),
    outbox: sqlOutboxReads(db, tables),
    inbox: sqlInboxReads(db, tables),
    approvals: sqlApprovalReads(db, tables),
    rollbacks: sqlRollbackReads(db, tables),
    ciStatuses: sqlCiStatusReads(db, tables),
    deployImages: sqlDeployImageReads(db, tables),
    instances: sqlInstanceReads(db, tables),
    leases: sqlLeaseReads(db, tables),
    kv: sqlKvReads(db, tables),
    metrics: sqlMetricsQueries(db, tables),
    cards: sqlCardReads(db, tables),
    taskQueries: sqlTaskQueries(db, tables),
    dashboard: sqlDashboardQueries(db, tables),
  };
}

/** The writes of `db` (the connection of an open transaction). */
export function sqlWrites(db: PortableDb, tables: Tables): Writes {
  return {
    tasks: sqlTaskWrites(db, tables),
    transitions: sqlTransitionWrites(db, tables),
    outbox: sqlOutboxWrites(db, tables),
    inbox: sqlInboxWrites(db, tables),
    approvals: sqlApprovalWrites(db, tables),
    rollbacks: sqlRollbackWrites(db, tables),
    ciStatuses: sqlCiStatusWrites(db, tables),
    deployImages: sqlDeployImageWrites(db, tables),
    instances: sqlInstanceWrites(db, tables),
    leases: sqlLeaseWrites(db, tables),
    kv: sqlKvWrites(db, tables),
    projects: sqlProjectWrites(db, tables),
    cards: sqlCardWrites(db, tables),
    taskBulk: sqlTaskBulkWrites(db, tables),
    jobs: sqlJobWrites(db, tables),
  };
}

/** Both, on one handle. */
export function sqlRepositories(db: PortableDb, tables: Tables): { read: Reads; write: Writes } {
  return { read: sqlReads(db, tables), write: sqlWrites(db, tables) };
}
