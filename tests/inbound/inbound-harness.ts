/**
 * Shared support for the inbox processor and webhook end-to-end tests: the fixtures' ids, the
 * project they belong to (SHOP on acme/shop, Plane project 6102dd70…), stored deliveries, and
 * moves that walk task SHOP-42 through the engine the way workers and people would.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveListener } from '../../adapters/http/serve.ts';
import { createApp } from '../../app/compose.ts';
import { buildListener } from '../../app/integrations.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { Engine } from '../../core/engine/engine.ts';
import type { InboundLookups } from '../../core/inbound/inbound-lookups.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import type { SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { countByState, insertDelivery } from '../../core/store/inbox-repo.ts';
import { inbox } from '../../adapters/store-sqlite/schema.ts';
import type { WebhookSource } from '../../core/inbound/webhook-events.ts';
import { FIXTURES_DIR, SECRET, type FixtureName } from '../http/webhook-harness.ts';
import { sqliteApp, type SqliteApp } from '../support/sqlite-app.ts';

/** Ids and commits the fixtures use (tests/fixtures/_ids.json). */
export const IDS = JSON.parse(readFileSync(join(FIXTURES_DIR, '_ids.json'), 'utf8')) as {
  project_id: string;
  issue_SHOP_42: string;
  users: Record<'priya.nair' | 'dev-agent' | 'chatops-bot', string>;
  states: Record<'backlog' | 'todo' | 'inprog' | 'review' | 'done' | 'cancel', string>;
  git: Record<'M0_main_before' | 'A1' | 'A2' | 'A3_head' | 'S1_squash', string>;
};
export const TASK = 'SHOP-42';
export const A1 = IDS.git.A1;
export const A3 = IDS.git.A3_head;
const BRD = '# BRD: coupon validation\n\nValidate coupons before payment.\n';

/** The project the fixtures describe. */
export function fixtureProject(overrides: Record<string, unknown> = {}): ProjectConfig {
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'acme/shop',
          cloneUrl: '/nonexistent/shop.git',
          defaultBranch: 'main',
          chatId: -100123,
          approvers: [111],
          plane: { projectId: IDS.project_id },
          agents: { default: 'true' },
          stages: ['analysis', 'development', 'review', 'testing'],
          ...overrides,
        },
      ],
    }),
    'inbound test project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return parsed.projects[0]!;
}

/** A fixture body as a test edits it: any field, any depth. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests rewrite fixture fields freely
export type FixtureBody = Record<string, any>;

/** A fixture's body text, optionally rewritten (a different state, ref, sha…). */
export function fixtureText(name: FixtureName, edit?: (body: FixtureBody) => void): string {
  const text = readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8');
  if (!edit) return text;
  const body = JSON.parse(text) as FixtureBody;
  edit(body);
  return JSON.stringify(body);
}

/** Store a delivery as the listener would (the processor reads rows, not requests). */
export async function storeDelivery(
  store: Store,
  source: WebhookSource,
  event: string,
  payload: string,
  deliveryId: string,
  now = Date.now(),
): Promise<number> {
  const stored = await insertDelivery(store, { source, deliveryId, event, payload, now });
  return stored.id;
}

/** The inbox row of a delivery. */
export function inboxRow(store: Store, id: number) {
  return store.readDb
    .select()
    .from(inbox)
    .all()
    .find((row) => row.id === id);
}

/** What task moves need: the engine, its store and queue (an engine harness or a composed app). */
export interface EngineParts {
  readonly store: Store;
  readonly engine: Engine;
  readonly queue: JobQueue;
}

/** Create SHOP-42 as the Plane issue of the fixtures (as if its created webhook had come earlier). */
export async function requestTask(parts: EngineParts): Promise<void> {
  const outcome = await parts.engine.handle({
    type: 'TaskRequested',
    key: 'test:new',
    projectId: 'SHOP',
    title: 'Validate coupon codes at checkout',
    source: 'plane',
    externalId: IDS.issue_SHOP_42,
    number: 42,
    actor: 'test',
  });
  if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
}

/** Finish the task's active agent job of `role` as a worker would. */
export async function finishAgent(
  parts: EngineParts,
  role: Role,
  artifacts: Record<string, string | null>,
  headSha: string | null,
) {
  const job = (await parts.queue.activeForTask(TASK)).find((j) => j.kind === 'agent' && j.payload.role === role);
  if (!job) throw new Error(`no active ${role} job`);
  return await parts.store.transaction(async (tx) => {
    parts.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE id = ?`).run(job.id);
    return await parts.engine.handleInTx(tx, {
      type: 'AgentRunFinished',
      key: `job:${job.id}:finished`,
      taskId: TASK,
      jobId: job.id,
      facts: { role, attempt: Number(job.payload.attempt), headSha, artifacts, logTail: '' },
    });
  });
}

/** SHOP-42 with its BRD waiting for approval. */
export async function toApproval(parts: EngineParts): Promise<void> {
  await requestTask(parts);
  await finishAgent(parts, 'analyst', { '01-brd.md': BRD }, null);
}

/** SHOP-42 in development, its developer having pushed `head`: waiting for CI. */
export async function toAwaitingCi(parts: EngineParts, head: string): Promise<void> {
  await toApproval(parts);
  const approval = await pendingApproval(parts.store.db, TASK, 'brd');
  if (!approval) throw new Error('no pending approval');
  await parts.engine.handle({
    type: 'ApprovalDecided',
    key: 'test:approve',
    taskId: TASK,
    approvalId: approval.id,
    decision: 'approve',
    actor: 'telegram:111:Alice',
  });
  await finishAgent(parts, 'developer', {}, head);
}

/** SHOP-42 past review and testing at `head`: merging. */
export async function toMerging(parts: EngineParts, head: string): Promise<void> {
  await toAwaitingCi(parts, head);
  await parts.engine.handle({
    type: 'CiStatusReported',
    key: 'test:ci',
    taskId: TASK,
    sha: head,
    state: 'success',
    detail: '',
    actor: 'test',
  });
  await finishAgent(parts, 'reviewer', { '12-review.md': '---\nverdict: APPROVE\n---\n## Findings\n' }, head);
  await finishAgent(parts, 'tester', { '13-test-report.md': '---\nresult: PASS\n---\nok\n' }, head);
}

/** A composed Conveyor (createApp) with its listener served on loopback, for end-to-end webhook tests. */
/** Resolves once the inbox has no pending or retrying delivery; throws with the counts after `timeoutMs`. */
export async function inboxDrained(store: Store, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await countByState(store);
    if (counts.pending + counts.retrying === 0) return;
    if (Date.now() > deadline) throw new Error(`inbox not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WebhookApp {
  readonly app: SqliteApp;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly dbPath: string;
  /** POST a body to a route with headers; resolves with the status and the JSON answer. */
  post(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: { status?: string; error?: string } }>;
  /** Resolves once no inbox row is waiting (or rejects after `timeoutMs`). */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * createApp + buildListener + serveListener on a fresh SQLite file. Only the inbox processor runs
 * (`processor: false` leaves it stopped); workers stay off so queued jobs stay visible.
 */
export async function startWebhookApp(
  options: { processor?: boolean; lookups?: InboundLookups; env?: Record<string, string>; project?: Record<string, unknown> } = {},
): Promise<WebhookApp> {
  const root = mkdtempSync(join(tmpdir(), 'conveyor-webhooks-'));
  const config = loadConfig({
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_RECONCILE_ENABLED: 'false',
    GITEA_WEBHOOK_SECRET: SECRET,
    PLANE_WEBHOOK_SECRET: SECRET,
    ORCH_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = sqliteApp(await createApp({
    config,
    projects: [fixtureProject(options.project)],
    logger: silentLogger,
    env: {},
    notifier: () => ({ deliver: async () => undefined }),
    // A forge is configured in production when statuses arrive by webhook; the engine only needs to know.
    forge: {
      ensurePullRequest: async () => 1,
      postStatus: async () => undefined,
      merge: async () => ({ type: 'merged' }),
    },
    inbound: { lookups: options.lookups ?? {}, planeLinks: { webUrl: null, workspace: null } },
    pollMs: 50,
  }));
  const listener = await serveListener(buildListener({ app, config, logger: silentLogger }), {
    host: '127.0.0.1',
    port: 0,
  });
  if (options.processor !== false) app.inbox.start();
  const url = `http://127.0.0.1:${listener.port}`;
  return {
    app,
    url,
    dbPath: config.dbPath,
    async post(path, body, headers) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body, headers });
      return {
        status: response.status,
        body: (await response.json()) as { status?: string; error?: string },
      };
    },
    drained: (timeoutMs) => inboxDrained(app.store, timeoutMs),
    async close() {
      await listener.close();
      await app.stop(1000);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
