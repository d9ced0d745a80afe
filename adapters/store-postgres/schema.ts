/**
 * The PostgreSQL schema: the same tables, columns, indexes and unique constraints as
 * `core/store/schema.ts` (SQLite), with PostgreSQL types (ADR 0048): epoch-millisecond times are
 * `bigint` read as numbers, flags are `boolean`, JSON columns are `jsonb`, autoincrement ids are
 * `bigserial`. tests/unit/store-postgres/schema-sync.test.ts fails when the two drift.
 * Migrations: `npm run db:generate:postgres` into ./migrations, committed.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

/** Epoch milliseconds: beyond int4, and below 2^53 so a JS number holds it exactly. */
const ms = (name: string) => bigint(name, { mode: 'number' });
const serialId = (name: string) => bigserial(name, { mode: 'number' });

export const projects = pgTable('projects', {
  id: text('id').primaryKey(),
  repo: text('repo').notNull(),
  config: jsonb('config').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    source: text('source').notNull(),
    externalId: text('external_id'),
    externalUrl: text('external_url'),
    stage: text('stage').notNull(),
    phase: text('phase').notNull(),
    attempts: jsonb('attempts').notNull().$type<Record<string, number>>(),
    rollbacks: integer('rollbacks').notNull().default(0),
    escalated: boolean('escalated').notNull().default(false),
    escalationReason: text('escalation_reason'),
    blocked: boolean('blocked').notNull().default(false),
    mustFix: text('must_fix'),
    notes: text('notes'),
    branch: text('branch').notNull(),
    headSha: text('head_sha'),
    behindDefault: boolean('behind_default').notNull().default(false),
    prNumber: integer('pr_number'),
    mergeQueuedAt: ms('merge_queued_at'),
    stagingImageId: text('staging_image_id'),
    stagingImageRef: text('staging_image_ref'),
    stagingRevision: text('staging_revision'),
    stagingVerdict: text('staging_verdict'),
    stagingWaived: jsonb('staging_waived').$type<readonly string[]>(),
    requestedBy: text('requested_by'),
    lastEvent: text('last_event').notNull(),
    lastEventAt: ms('last_event_at').notNull(),
    stageEnteredAt: ms('stage_entered_at').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('tasks_project_external').on(t.projectId, t.externalId),
    index('tasks_stage').on(t.stage, t.escalated, t.updatedAt),
  ],
);

export const transitions = pgTable(
  'transitions',
  {
    id: serialId('id').primaryKey(),
    taskId: text('task_id').notNull(),
    fromStage: text('from_stage'),
    fromPhase: text('from_phase'),
    toStage: text('to_stage').notNull(),
    toPhase: text('to_phase').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    eventKey: text('event_key'),
    at: ms('at').notNull(),
  },
  (t) => [uniqueIndex('transitions_event_key').on(t.eventKey), index('transitions_task').on(t.taskId, t.id)],
);

export const jobs = pgTable(
  'jobs',
  {
    id: serialId('id').primaryKey(),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    availableAt: ms('available_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ms('lease_expires_at'),
    idempotencyKey: text('idempotency_key').notNull(),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    startedAt: ms('started_at'),
    finishedAt: ms('finished_at'),
  },
  (t) => [
    uniqueIndex('jobs_idempotency').on(t.idempotencyKey),
    // In claim order (SQLite's (kind, available_at) carries the rowid implicitly): PostgreSQL then
    // walks the index from the front and stops at the first due job of a wanted kind, where
    // `kind = ANY(…)` over (kind, available_at) made it scan and sort every queued job.
    index('jobs_due').on(t.availableAt, t.id).where(sql`${t.state} = 'queued'`),
    index('jobs_leases').on(t.leaseExpiresAt).where(sql`${t.state} = 'running'`),
    index('jobs_active_task').on(t.taskId).where(sql`${t.state} IN ('queued', 'running')`),
  ],
);

export const inbox = pgTable(
  'inbox',
  {
    id: serialId('id').primaryKey(),
    source: text('source').notNull(),
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    payload: text('payload').notNull(),
    receivedAt: ms('received_at').notNull(),
    processedAt: ms('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: ms('available_at').notNull(),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('inbox_source_delivery').on(t.source, t.deliveryId),
    index('inbox_pending').on(t.processedAt, t.availableAt),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: serialId('id').primaryKey(),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: ms('available_at').notNull(),
    error: text('error'),
    createdAt: ms('created_at').notNull(),
    doneAt: ms('done_at'),
    sendStartedAt: ms('send_started_at'),
  },
  (t) => [index('outbox_pending').on(t.state, t.availableAt)],
);

export const cards = pgTable('cards', {
  taskId: text('task_id').primaryKey(),
  chatId: text('chat_id').notNull(),
  /** Telegram message ids fit in 32 bits. */
  messageId: integer('message_id'),
  lastRenderHash: text('last_render_hash'),
  updatedAt: ms('updated_at').notNull(),
});

export const approvals = pgTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id').notNull(),
    gate: text('gate').notNull(),
    round: integer('round').notNull(),
    state: text('state').notNull(),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: ms('decided_at'),
    reason: text('reason'),
    summary: text('summary').notNull().default(''),
    chatId: text('chat_id'),
    messageId: integer('message_id'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('approvals_task_gate_round').on(t.taskId, t.gate, t.round)],
);

export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: ms('expires_at').notNull(),
  acquiredAt: ms('acquired_at').notNull(),
});

export const ciStatuses = pgTable(
  'ci_statuses',
  {
    repo: text('repo').notNull(),
    sha: text('sha').notNull(),
    context: text('context').notNull(),
    state: text('state').notNull(),
    description: text('description').notNull().default(''),
    targetUrl: text('target_url'),
    /** GitHub status ids are past 2^31. */
    statusId: bigint('status_id', { mode: 'number' }),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.repo, t.sha, t.context] })],
);

export const kv = pgTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: ms('updated_at').notNull().default(0),
});

export const deployImages = pgTable(
  'deploy_images',
  {
    id: serialId('id').primaryKey(),
    projectId: text('project_id').notNull(),
    imageId: text('image_id').notNull(),
    ref: text('ref').notNull(),
    sha: text('sha').notNull(),
    taskId: text('task_id').notNull(),
    deployedAt: ms('deployed_at').notNull(),
    outcome: text('outcome').notNull(),
  },
  (t) => [index('deploy_images_project').on(t.projectId, t.id)],
);

export const instances = pgTable('instances', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  processStart: text('process_start'),
  bootId: text('boot_id'),
  startedAt: ms('started_at').notNull(),
  heartbeatAt: ms('heartbeat_at').notNull(),
  stoppedAt: ms('stopped_at'),
  /** `start` or `worker` (ADR 0055). */
  role: text('role').notNull().default('start'),
  /** The job kinds it claims, comma-separated (ORCH_WORKER_KINDS); empty: none. */
  kinds: text('kinds').notNull().default(''),
});
