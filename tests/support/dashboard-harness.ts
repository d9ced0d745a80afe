/**
 * A seeded world for the dashboard: a real store, queue and engine (engine-harness), the listener
 * with the dashboard mounted, and tasks walked by real engine events into analysis, awaiting
 * approval, development and a review rollback. People: 111 approver, 333 viewer, 999 stranger.
 */
import type { Hono } from 'hono';
import { buildDashboard, type Dashboard } from '../../adapters/dashboard/build-dashboard.ts';
import { createListener } from '../../adapters/http/listener.ts';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { signInitData } from '../../core/dashboard/init-data.ts';
import type { Role } from '../../core/domain/stage.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { giteaRepoLinks } from '../../adapters/gitea/gitea-links.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';
import { engineHarness, type EngineHarness } from './engine-harness.ts';

export const BOT_TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const APPROVER = 111;
export const VIEWER = 333;
export const STRANGER = 999;
const BRD = '# BRD\n\nAdd a wishlist button.\n';
export const MUST_FIX = 'P1: cart.js crashes on null items';
const REVIEW_RED = `---\nverdict: REQUEST_CHANGES\n---\n## Findings\n- ${MUST_FIX}\n`;

export interface DashboardWorld {
  readonly h: EngineHarness;
  readonly app: Hono;
  readonly dashboard: Dashboard;
  /** Telegram-signed initData for `userId`, `ageS` seconds old. */
  initData(userId: number, ageS?: number): string;
  create(title: string): Promise<string>;
  /** The `role` run of `taskId` succeeds after `runMin` minutes of work (ending now + 2 min). */
  finish(taskId: string, role: Role, artifacts: Record<string, string | null>, sha?: string, runMin?: number): Promise<void>;
  approve(taskId: string): Promise<void>;
  /** The `role` run of `taskId` dies after 10 minutes with `error` (the engine escalates). */
  die(taskId: string, role: Role, error: string): Promise<void>;
  cleanup(): void;
}

/** `forgeLinks`: the repository links the pages show (default: Gitea at git.example.com). */
export function dashboardWorld(forgeLinks: ForgeLinksOf = () => giteaRepoLinks('https://git.example.com', 'acme/shop')): DashboardWorld {
  const h = engineHarness({ project: { ciCommand: 'npm test', viewers: [VIEWER] } });
  // The engine's clock starts three hours ago, so ages and durations on the pages read like real ones.
  h.clock.advance(Date.now() - 3 * 3_600_000 - h.clock.now());
  const dashboard = buildDashboard({
    store: h.store,
    queue: h.queue,
    engine: h.engine,
    projects: new Map([[h.project.id, h.project]]),
    adminIds: [],
    botToken: BOT_TOKEN,
    initDataMaxAgeS: 3600,
    publicUrl: null,
    capacity: 2,
    forgeLinks,
    readLog: (taskId, role, attempt) => `${role} ${attempt} of ${taskId}: last words`,
    logger: silentLogger,
  });
  const app = createListener({ store: h.store, giteaSecret: null, planeSecret: null, metrics: createMetrics(), logger: silentLogger, health: async () => ({ ok: true, checks: {} }), dashboard: dashboard.app });
  let n = 0;
  const world: DashboardWorld = {
    h,
    app,
    dashboard,
    initData: (userId, ageS = 5) =>
      signInitData(BOT_TOKEN, { auth_date: String(Math.floor(Date.now() / 1000) - ageS), query_id: 'AAHdF6IQ', user: JSON.stringify({ id: userId, first_name: `User${userId}` }) }),
    create: async (title) => {
      const outcome = await h.handle({ type: 'TaskRequested', key: `new:${++n}`, projectId: 'SHOP', title, source: 'chat', actor: 'telegram:111:Alice' });
      if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
      return outcome.taskId;
    },
    finish: async (taskId, role, artifacts, sha = 'a'.repeat(40), runMin = 15) => {
      const job = (await h.queue.activeForTask(taskId)).find((j) => j.kind === 'agent' && j.payload.role === role);
      if (!job) throw new Error(`no active ${role} job for ${taskId}`);
      h.clock.advance((runMin + 2) * 60_000);
      await h.store.transaction(async (tx) => {
        h.store.sqlite.prepare(`UPDATE jobs SET state='succeeded', started_at = ?, finished_at = ? WHERE id = ?`).run(h.clock.now() - runMin * 60_000, h.clock.now(), job.id);
        return await h.engine.handleInTx(tx, {
          type: 'AgentRunFinished',
          key: `job:${job.id}:finished`,
          taskId,
          jobId: job.id,
          facts: { role, attempt: Number(job.payload.attempt), headSha: sha, artifacts, logTail: '' },
        });
      });
    },
    approve: async (taskId) => {
      const approval = await pendingApproval(h.store.db, taskId, 'brd');
      if (!approval) throw new Error('no pending approval');
      await h.handle({ type: 'ApprovalDecided', key: `approve:${approval.id}`, taskId, approvalId: approval.id, decision: 'approve', actor: 'telegram:111:Alice' });
    },
    die: async (taskId, role, error) => {
      const job = (await h.queue.activeForTask(taskId)).find((j) => j.kind === 'agent' && j.payload.role === role);
      if (!job) throw new Error(`no active ${role} job for ${taskId}`);
      h.clock.advance(10 * 60_000);
      await h.store.transaction(async (tx) => {
        h.store.sqlite.prepare(`UPDATE jobs SET state='dead', last_error = ?, started_at = ?, finished_at = ? WHERE id = ?`).run(error, h.clock.now() - 10 * 60_000, h.clock.now(), job.id);
        return await h.engine.handleInTx(tx, { type: 'JobDead', key: `job-dead:${job.id}`, taskId, jobId: job.id, kind: 'agent', error });
      });
    },
    cleanup: () => {
      dashboard.close();
      h.cleanup();
    },
  };
  return world;
}

/**
 * SHOP-1 in analysis (working), SHOP-2 waiting for BRD approval, SHOP-3 in development,
 * SHOP-4 rolled back from review to development with the must-fix text.
 */
export async function seedTasks(w: DashboardWorld): Promise<void> {
  await w.create('Wishlist button');
  const waiting = await w.create('Gift cards');
  await w.finish(waiting, 'analyst', { '01-brd.md': BRD });
  const dev = await w.create('Dark mode');
  await w.finish(dev, 'analyst', { '01-brd.md': BRD });
  await w.approve(dev);
  const bounced = await w.create('Cart crash');
  await w.finish(bounced, 'analyst', { '01-brd.md': BRD });
  await w.approve(bounced);
  await w.finish(bounced, 'developer', {}, 'b'.repeat(40));
  await w.h.handle({ type: 'CiStatusReported', key: `ci:${bounced}:1`, taskId: bounced, sha: 'b'.repeat(40), state: 'success', detail: '', actor: 'local-ci' });
  await w.finish(bounced, 'reviewer', { '12-review.md': REVIEW_RED });
}
