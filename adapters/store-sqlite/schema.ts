/**
 * Drizzle schema: tables only. Times are epoch milliseconds; JSON columns hold plain objects.
 * Migrations are generated from this file by drizzle-kit into ./migrations and committed.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Registered projects, synced from the projects file at start. */
export const projects = sqliteTable('projects', {
  id: text('id').primaryKey(),
  repo: text('repo').notNull(),
  config: text('config', { mode: 'json' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** One row per task; `version` increments on every change (optimistic check, cache keys). */
export const tasks = sqliteTable(
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
    attempts: text('attempts', { mode: 'json' }).notNull().$type<Record<string, number>>(),
    rollbacks: integer('rollbacks').notNull().default(0),
    escalated: integer('escalated', { mode: 'boolean' }).notNull().default(false),
    escalationReason: text('escalation_reason'),
    blocked: integer('blocked', { mode: 'boolean' }).notNull().default(false),
    mustFix: text('must_fix'),
    notes: text('notes'),
    branch: text('branch').notNull(),
    headSha: text('head_sha'),
    behindDefault: integer('behind_default', { mode: 'boolean' }).notNull().default(false),
    prNumber: integer('pr_number'),
    /** When the task entered the merge phase (its place in the merge queue); null outside it. */
    mergeQueuedAt: integer('merge_queued_at'),
    /** The last staging run: image id and ref, validated revision, verdict, waived check ids. */
    stagingImageId: text('staging_image_id'),
    stagingImageRef: text('staging_image_ref'),
    stagingRevision: text('staging_revision'),
    stagingVerdict: text('staging_verdict'),
    stagingWaived: text('staging_waived', { mode: 'json' }).$type<readonly string[]>(),
    /** Who requested the task (`telegram:<id>` for /new), for deploy four-eyes; null when unknown. */
    requestedBy: text('requested_by'),
    lastEvent: text('last_event').notNull(),
    lastEventAt: integer('last_event_at').notNull(),
    stageEnteredAt: integer('stage_entered_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('tasks_project_external').on(t.projectId, t.externalId),
    index('tasks_stage').on(t.stage, t.escalated, t.updatedAt),
  ],
);

/** Append-only audit of every state change. `eventKey` makes replays of one event a no-op. */
export const transitions = sqliteTable(
  'transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: text('task_id').notNull(),
    fromStage: text('from_stage'),
    fromPhase: text('from_phase'),
    toStage: text('to_stage').notNull(),
    toPhase: text('to_phase').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    eventKey: text('event_key'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('transitions_event_key').on(t.eventKey), index('transitions_task').on(t.taskId, t.id)],
);

/** Durable job queue. A running job holds a lease that its worker renews (heartbeat). */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    payload: text('payload', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    availableAt: integer('available_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    idempotencyKey: text('idempotency_key').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('jobs_idempotency').on(t.idempotencyKey),
    // Partial indexes: only live jobs are indexed, so finished ones cost no index maintenance.
    index('jobs_due')
      .on(t.kind, t.availableAt)
      .where(sql`${t.state} = 'queued'`),
    index('jobs_leases')
      .on(t.leaseExpiresAt)
      .where(sql`${t.state} = 'running'`),
    index('jobs_active_task')
      .on(t.taskId)
      .where(sql`${t.state} IN ('queued', 'running')`),
  ],
);

/** Verified webhook deliveries, committed before the 2xx. */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    payload: text('payload').notNull(),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: integer('available_at').notNull(),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('inbox_source_delivery').on(t.source, t.deliveryId),
    index('inbox_pending').on(t.processedAt, t.availableAt),
  ],
);

/** Effects for people (cards, approval requests, messages), drained by the notifier. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    payload: text('payload', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    availableAt: integer('available_at').notNull(),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    doneAt: integer('done_at'),
    /** Set just before a notifying send; still set at the next attempt means a crash may have duplicated it. */
    sendStartedAt: integer('send_started_at'),
  },
  (t) => [index('outbox_pending').on(t.state, t.availableAt)],
);

/** Where each task's live card is, and what it last showed. */
export const cards = sqliteTable('cards', {
  taskId: text('task_id').primaryKey(),
  chatId: text('chat_id').notNull(),
  messageId: integer('message_id'),
  lastRenderHash: text('last_render_hash'),
  updatedAt: integer('updated_at').notNull(),
});

/** Human decisions: BRD and production approvals. One row per request; decided once. */
export const approvals = sqliteTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id').notNull(),
    gate: text('gate').notNull(),
    round: integer('round').notNull(),
    state: text('state').notNull(),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: integer('decided_at'),
    reason: text('reason'),
    /** The BRD's first lines, shown in the approval message before and after the decision. */
    summary: text('summary').notNull().default(''),
    chatId: text('chat_id'),
    messageId: integer('message_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('approvals_task_gate_round').on(t.taskId, t.gate, t.round)],
);

/** Named mutual-exclusion leases (merge gate per project). A stale one may be reclaimed. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
});

/** Latest commit status per (repo, sha, context); contexts are combined by the CI gate. */
export const ciStatuses = sqliteTable(
  'ci_statuses',
  {
    repo: text('repo').notNull(),
    sha: text('sha').notNull(),
    context: text('context').notNull(),
    state: text('state').notNull(),
    description: text('description').notNull().default(''),
    targetUrl: text('target_url'),
    statusId: integer('status_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.repo, t.sha, t.context] })],
);

/** Small durable key-value state: conversation storage, reconciler figures. */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at')
    .notNull()
    .default(sql`0`),
});

/** Each project's production image history: one row per deploy outcome (design §10 "Production"). */
export const deployImages = sqliteTable(
  'deploy_images',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: text('project_id').notNull(),
    /** `sha256:…`, the same id staging validated. */
    imageId: text('image_id').notNull(),
    /** `<deploy.image>:<sha>` */
    ref: text('ref').notNull(),
    sha: text('sha').notNull(),
    taskId: text('task_id').notNull(),
    deployedAt: integer('deployed_at').notNull(),
    /** `deployed`, `failed`, `restored` (health failed, previous image back) or `rolled-back` (the button). */
    outcome: text('outcome').notNull(),
  },
  (t) => [index('deploy_images_project').on(t.projectId, t.id)],
);

/**
 * One row per Conveyor process that opened this database (ADR 0021). Its id is the lease owner of
 * the jobs it runs; pid + process start time + boot id tell a live process from a reused pid.
 */
export const instances = sqliteTable('instances', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  /** /proc/<pid>/stat field 22 (clock ticks after boot); null where there is no /proc. */
  processStart: text('process_start'),
  bootId: text('boot_id'),
  startedAt: integer('started_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
  /** When it stopped (gracefully) or was found dead; null while it may be running. */
  stoppedAt: integer('stopped_at'),
  /** `start` (listener, singletons, its own workers) or `worker` (claims jobs only; ADR 0055). */
  role: text('role').notNull().default('start'),
  /** The job kinds it claims, comma-separated (ORCH_WORKER_KINDS); empty: none. */
  kinds: text('kinds').notNull().default(''),
});
