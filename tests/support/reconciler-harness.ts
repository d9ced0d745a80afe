/**
 * A reconciler world on a real SQLite file: store, queue and engine with a hand-driven clock, tasks
 * walked into any stage through the engine as the workers would, the reconciler built with the
 * production probe list, and a restart that reopens the same file with fresh objects. Optional
 * Plane and Gitea HTTP stand-ins with the real readers over them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { GiteaForgeReader } from '../../adapters/gitea/gitea-forge-reader.ts';
import { PlaneTrackerReader } from '../../adapters/plane/plane-tracker-reader.ts';
import { startGiteaStandin, type GiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import type { DomainEvent } from '../../core/domain/events.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { Task } from '../../core/domain/task.ts';
import { Engine } from '../../core/engine/engine.ts';
import type { ForgeReader } from '../../core/ports/forge-reader.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { TrackerReader } from '../../core/ports/tracker-reader.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { Probe } from '../../core/reconciler/probe.ts';
import { reconcilerProbes } from '../../core/reconciler/probes.ts';
import { Reconciler } from '../../core/reconciler/reconciler.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { recordStatus } from '../../core/store/ci-status-repo.ts';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { getTask } from '../../core/store/task-repo.ts';

export const GRACE_MS = 300_000;
export const PLANE_KEY = 'plane_api_0c8e1d3f5a7b9c2e4f6a8b0d2c4e6f81';
export const PLANE_PROJECT = '6102dd70-63e8-440e-9dd8-904f07489671';
export const GITEA_TOKEN = 'gitea-test-token';
export const BRD = '# BRD\n\nAdd a wishlist button.\n';
export const REVIEW_RED = '---\nverdict: REQUEST_CHANGES\n---\n## Findings\n- P1: cart.js crashes on null items\n';

export interface WorldOptions {
  readonly project?: Record<string, unknown>;
  readonly maxRetries?: number;
  readonly plane?: boolean;
  readonly gitea?: boolean;
}

export interface ReconcilerBuild {
  readonly skipBlocked?: boolean;
  readonly planeEnabled?: boolean;
  readonly pageSize?: number;
  readonly trackerCallsPerPass?: number;
  readonly trackerReader?: TrackerReader | null;
  readonly forgeReader?: ForgeReader | null;
  readonly extraProbes?: readonly Probe[];
  readonly logger?: Logger;
  readonly graceS?: number;
}

export function makeProjects(list: readonly Record<string, unknown>[]): ProjectConfig[] {
  const projects = list.map((overrides) => ({ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/nonexistent', chatId: -100123, approvers: [111], agents: { default: 'true' }, ...overrides }));
  const parsed = parseProjects(JSON.stringify({ projects }), 'test');
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return [...parsed.projects];
}

export class ReconcilerWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'conveyor-reconciler-'));
  readonly dbPath = join(this.dir, 'conveyor.db');
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly project: ProjectConfig;
  store!: Store;
  queue!: JobQueue;
  engine!: Engine;
  plane: PlaneStandin | null = null;
  gitea: GiteaStandin | null = null;
  private now = 1_772_446_800_000;
  private ids = 0;
  readonly clock = { now: () => this.now };

  constructor(private readonly options: WorldOptions = {}) {
    const plane = options.plane ? { plane: { projectId: PLANE_PROJECT } } : {};
    this.project = makeProjects([{ ...plane, ...options.project }])[0]!;
    this.projects = new Map([[this.project.id, this.project]]);
    this.open();
  }

  static async start(options: WorldOptions = {}): Promise<ReconcilerWorld> {
    const world = new ReconcilerWorld(options);
    if (options.plane) {
      world.plane = await startPlaneStandin({ apiKey: PLANE_KEY, workspace: 'acme', projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }], rateLimit: { limit: 100_000 }, now: world.clock.now });
      for (const name of ['Approved', 'Rejected', 'Blocked', 'Needs Input']) world.plane.state.addState(PLANE_PROJECT, { name, group: 'started' });
    }
    if (options.gitea) world.gitea = await startGiteaStandin({ token: GITEA_TOKEN, repos: ['acme/shop'], now: world.clock.now });
    return world;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  /** Close the database and open it again with a new queue and engine (a process restart). */
  restart(): void {
    this.store.close();
    this.open();
  }

  trackerReader(perPage?: number): PlaneTrackerReader {
    const plane = this.plane;
    if (!plane) throw new Error('world has no Plane stand-in');
    const options = { baseUrl: plane.url, apiKey: PLANE_KEY, workspace: 'acme', projectIds: { SHOP: PLANE_PROJECT }, timeoutMs: 2000, now: this.clock.now };
    // The stand-in serves no labels route; its labels are read from its state instead.
    const labelNames = async (pid: string) => new Map([...plane.state.project(pid).labels.values()].map((l) => [l.id, l.name]));
    return new PlaneTrackerReader({ ...options, client: new PlaneClient(options), labelNames, webUrl: 'https://plane.acme.test', ...(perPage ? { perPage } : {}) });
  }

  forgeReader(): GiteaForgeReader {
    if (!this.gitea) throw new Error('world has no Gitea stand-in');
    return new GiteaForgeReader(new GiteaClient({ baseUrl: this.gitea.url, token: GITEA_TOKEN, timeoutMs: 2000 }));
  }

  /** A reconciler wired as production wires it (probes from `reconcilerProbes`). */
  reconciler(build: ReconcilerBuild = {}, onUnblock?: (taskId: string) => void): Reconciler {
    const trackerReader = build.trackerReader !== undefined ? build.trackerReader : this.plane ? this.trackerReader() : null;
    const forgeReader = build.forgeReader !== undefined ? build.forgeReader : this.gitea ? this.forgeReader() : null;
    const graceS = build.graceS ?? GRACE_MS / 1000;
    const probes = reconcilerProbes({
      store: this.store,
      projects: this.projects,
      trackerReader,
      forgeReader,
      reconcile: { planeEnabled: build.planeEnabled ?? true, graceS, graceByStage: {} },
      trackerCallsPerPass: build.trackerCallsPerPass,
    });
    return new Reconciler({
      store: this.store,
      engine: this.engine,
      clock: this.clock,
      logger: build.logger ?? silentLogger,
      probes: [...probes, ...(build.extraProbes ?? [])],
      query: { graceMs: {}, defaultGraceMs: graceS * 1000, skipBlocked: build.skipBlocked ?? true, pageSize: build.pageSize ?? 50 },
      ...(onUnblock ? { onUnblock } : {}),
    });
  }

  async task(id: string): Promise<Task> {
    const task = await getTask(this.store.db, id);
    if (!task) throw new Error(`no task ${id}`);
    return task;
  }

  async handle(event: DomainEvent): Promise<ReturnType<Engine['handle']>> {
    return await this.engine.handle(event);
  }

  /** A task made as the webhook or /new would make it. */
  async create(extra: Partial<Extract<DomainEvent, { type: 'TaskRequested' }>> = {}): Promise<string> {
    const outcome = await this.handle({ type: 'TaskRequested', key: `new:${++this.ids}`, projectId: this.project.id, title: 'Wishlist', source: 'chat', actor: 'telegram:111', ...extra });
    if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
    return outcome.taskId;
  }

  /** Finish the task's active agent job of `role` as the worker would (job done + event, one transaction). */
  async finish(taskId: string, role: Role, artifacts: Record<string, string | null>, headSha: string | null = null): Promise<void> {
    const job = (await this.queue.activeForTask(taskId)).find((j) => j.kind === 'agent' && j.payload.role === role);
    if (!job) throw new Error(`no active ${role} job for ${taskId}`);
    await this.store.transaction(async (tx) => {
      this.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE id = ?`).run(job.id);
      await this.engine.handleInTx(tx, { type: 'AgentRunFinished', key: `job:${job.id}:finished`, taskId, jobId: job.id, facts: { role, attempt: Number(job.payload.attempt), headSha, artifacts, logTail: '' } });
    });
  }

  /** Mark every active job of the task finished (a worker that completed them). */
  settleJobs(taskId: string): void {
    this.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE task_id = ? AND state IN ('queued', 'running')`).run(taskId);
  }

  async approve(taskId: string): Promise<void> {
    const approval = await pendingApproval(this.store.db, taskId, 'brd');
    if (!approval) throw new Error('no pending approval');
    await this.handle({ type: 'ApprovalDecided', key: `approve:${approval.id}`, taskId, approvalId: approval.id, decision: 'approve', actor: 'telegram:111:Alice' });
  }

  /** A task whose BRD waits for approval. */
  async awaitingApproval(extra: Partial<Extract<DomainEvent, { type: 'TaskRequested' }>> = {}): Promise<string> {
    const id = await this.create(extra);
    await this.finish(id, 'analyst', { '01-brd.md': BRD });
    this.settleJobs(id);
    return id;
  }

  /** A task in development whose developer pushed `sha` and which now waits for CI. */
  async awaitingCi(sha: string | null, extra: Partial<Extract<DomainEvent, { type: 'TaskRequested' }>> = {}): Promise<string> {
    const id = await this.awaitingApproval(extra);
    await this.approve(id);
    await this.finish(id, 'developer', {}, sha);
    this.settleJobs(id);
    return id;
  }

  async storeStatus(sha: string, state: string, context = 'ci/build'): Promise<void> {
    await this.store.transaction(async (tx) => await recordStatus(tx, { repo: this.project.repo, sha, context, state, description: `${context} ${state}`, targetUrl: null, statusId: null, updatedAt: this.now }));
  }

  count(table: 'jobs' | 'outbox' | 'transitions' | 'tasks', where = '1 = 1'): number {
    return this.store.readDb.get<{ n: number }>(sql.raw(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)).n;
  }

  async cleanup(): Promise<void> {
    if (this.store.sqlite.open) this.store.close();
    await this.plane?.close();
    await this.gitea?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private open(): void {
    this.store = openStore(this.dbPath);
    this.queue = new JobQueue(this.store);
    this.engine = new Engine(
      this.store,
      { queue: this.queue, projects: this.projects, maxDeveloperRetries: this.options.maxRetries ?? 3, trackerEnabled: false, forgeEnabled: false, newId: () => `appr${++this.ids}`, logger: silentLogger },
      this.clock,
    );
  }
}

/** A row for {@link insertTasks}: the columns a candidate query looks at. */
export interface SeedTask {
  readonly id: string;
  readonly stage: string;
  readonly phase?: string;
  readonly updatedAt: number;
  readonly escalated?: boolean;
  readonly blocked?: boolean;
  readonly headSha?: string | null;
  /** Give the task an active job in this state. */
  readonly job?: 'queued' | 'running' | 'succeeded';
}

/** Bulk insert tasks (and their jobs) with raw prepared statements in one transaction. */
export function insertTasks(sqlite: Store['sqlite'], projectId: string, rows: readonly SeedTask[]): void {
  const task = sqlite.prepare(
    `INSERT INTO tasks (id, project_id, title, description, source, stage, phase, attempts, rollbacks, escalated, blocked, branch, head_sha, behind_default, last_event, last_event_at, stage_entered_at, created_at, updated_at, version)
     VALUES (?, ?, 'seeded', '', 'chat', ?, ?, '{}', 0, ?, ?, ?, ?, 0, 'seeded', ?, ?, ?, ?, 1)`,
  );
  const job = sqlite.prepare(
    `INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at) VALUES ('agent', ?, '{}', ?, 0, 3, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (const row of rows) {
      task.run(row.id, projectId, row.stage, row.phase ?? 'working', row.escalated ? 1 : 0, row.blocked ? 1 : 0, `task/${row.id}`, row.headSha ?? null, row.updatedAt, row.updatedAt, row.updatedAt, row.updatedAt);
      if (row.job) job.run(row.id, row.job, row.updatedAt, `${row.id}:seed`, row.updatedAt, row.updatedAt);
    }
  })();
}
