/**
 * The offline demo: the real orchestrator (store, engine, queue, workers, git worktrees, agent
 * processes, webhook listener, inbox processor) and the real Telegram bot, talking to local
 * stand-ins of Telegram, Gitea and Plane through the same variables as for the real services.
 * Priya creates a work item in Plane; its signed webhook reaches the listener and becomes task
 * SHOP-1. Alice presses ✅ Approve on the BRD in the chat, and Plane gets the decision as a comment.
 * Scripted agents do the work; Gitea runs CI on every push and reports it by `status` webhook; the
 * reviewer requests changes once, so a rollback carrying its must-fix text happens. The PR Conveyor
 * opened on Gitea is merged through Gitea's API into the real repository. No token, no network.
 * Exits non-zero unless the task reaches done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { serveListener } from '../../adapters/http/serve.ts';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import type { TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { systemClock } from '../../core/ports/clock.ts';
import type { Store } from '../../core/store/database.ts';
import { countByState as countInbox } from '../../core/store/inbox-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { createApp, type App } from '../compose.ts';
import { buildIntegrations, buildListener, countTelegramCalls } from '../integrations.ts';
import { buildTelegram, type TelegramSide } from '../telegram.ts';
import { dashboardFor } from '../dashboard.ts';
import { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import { branchHead } from './bare-repo.ts';
import { CHAT, PLANE_PROJECT, REPO, startDemoWorld } from './demo-world.ts';
import { addStagingFiles, demoStagingFields, detectDemoStaging, removeDemoStaging, stagingVerdictLines, type DemoStaging } from './demo-staging.ts';
import { seedDemoRepository } from './seed-repo.ts';
import { printSummary } from './summary.ts';
import { renderTranscript } from './transcript.ts';
import { describePlaneDelivery, WebhookLog } from './webhook-log.ts';
import { describeWorld } from './world-summary.ts';

const AGENTS = fileURLToPath(new URL('./agents/', import.meta.url));
const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };
const TITLE = 'Add wishlist count to the cart';

export interface DemoResult {
  readonly ok: boolean;
  readonly taskId: string | null;
  readonly dbPath: string;
  readonly root: string;
  /** The chat as its members saw it, at the end. */
  readonly transcript: string;
}

export interface DemoOptions {
  readonly root?: string;
  readonly timeoutMs?: number;
  readonly write?: (text: string) => void;
  readonly env?: Record<string, string | undefined>;
  /** ORCH_LOCALE for the demo's chat (en by default). */
  readonly locale?: string;
  /** Keep the temp folder (database, work tree) and print its path; otherwise it is removed. */
  readonly keep?: boolean;
  /** After the run, keep the listener (and so the dashboard) up until this resolves (`demo --keep`: Ctrl-C). */
  readonly holdOpen?: () => Promise<void>;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const ownRoot = options.root === undefined;
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
  const agentEnv = options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
  const docker = (host: string | undefined) => new DockerodeDocker({ dockerHost: host });
  const staging = await detectDemoStaging({ dockerHost: agentEnv.DOCKER_HOST, connect: docker });
  if (staging.type === 'skipped') write(`${staging.line}\n`);
  const remote = seedDemoRepository(root, staging.type === 'enabled' ? (checkout) => addStagingFiles(checkout, staging.busybox) : undefined);
  const log = new WebhookLog();
  const world = await startDemoWorld(remote, log, agentEnv);
  const config = loadConfig({
    ...world.env,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_AGENT_TIMEOUT_S: '60',
    ORCH_MAX_DEVELOPER_RETRIES: '3',
    ORCH_ADMIN_IDS: String(ALICE.id),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_LOG_LEVEL: 'warn',
    ...(options.locale ? { ORCH_LOCALE: options.locale } : {}),
  });
  const project = demoProject(remote, staging);
  const logger = createLogger({ level: config.logLevel, secrets: world.secrets });
  const integrations = buildIntegrations(config, [project]);
  let telegram: TelegramSide | null = null;
  const app = createApp({
    config,
    projects: [project],
    logger,
    env: agentEnv,
    tracker: integrations.plane,
    forge: integrations.gitea,
    readers: integrations.readers,
    inbound: { ...integrations.inbound, onProcessed: (row, result) => log.onProcessed(row, result) },
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock, onApiCall: countTelegramCalls(parts.metrics) });
      return telegram.notifier;
    },
    pollMs: 100,
    leaseMs: 15_000,
  });
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  const dashboard = dashboardFor(app, config, logger);
  const listener = await serveListener(buildListener({ app, config, logger, dashboard }), { host: '127.0.0.1', port: 0 });
  const listenerUrl = `http://127.0.0.1:${listener.port}`;
  const dashboardLink = demoDashboardLink(config.telegram.botToken, listenerUrl);
  world.connect(listenerUrl);
  write(
    `Conveyor offline demo\n  repository:   ${remote} (hosted by the Gitea stand-in at ${world.env.GITEA_URL})\n  database:     ${config.dbPath}\n` +
      `  Telegram API: ${world.telegram.apiRoot} (local Bot API sandbox, Telegram's rate limits)\n  Plane API:    ${world.env.PLANE_API_URL} (stand-in, workspace ${world.env.PLANE_WORKSPACE})\n` +
      `  listener:     ${listenerUrl} (/webhooks/gitea and /webhooks/plane, HMAC-signed)\n` +
      `  dashboard:    ${dashboardLink ?? '(no bot token)'} (as Alice, valid 1 h; outside Telegram, like a /dash link)\n\n`,
  );

  const seen = { taskId: null as string | null, finalStage: null as string | null, summary: '', world: '', webhooks: '', metrics: '', staging: [] as string[] };
  try {
    await side.runtime.start();
    app.start();
    const item = world.plane.state.createWorkItem(PLANE_PROJECT, { name: TITLE, descriptionHtml: '<p>Shoppers want to see how many cart items they <strong>wished</strong> for.</p>' });
    write(`Priya (Plane web UI): creates work item SHOP-${item.sequenceId} "${TITLE}" → Plane sends a signed issue webhook to the listener\n`);
    const id = await waitFor(() => latestTaskId(app.store), 30_000, 'the Plane webhook did not create the task in time');
    seen.taskId = id;
    write(`Conveyor: task ${id} created from the webhook; card posted in "${CHAT.title}"\n`);
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const pressed = new Set<number>();
    while (Date.now() < deadline) {
      const task = getTask(app.store.db, id);
      if (!task || task.stage === 'done' || task.stage === 'cancelled' || task.escalated) break;
      await pressApprove(world.telegram, pressed, write);
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle(app, id, world);
    seen.finalStage = getTask(app.store.db, id)?.stage ?? null;
    printSummary(app.store, id, join(root, 'work'), (t) => void (seen.summary += t));
    for (const d of world.plane.deliveries) log.record({ source: 'plane', deliveryId: d.deliveryId, what: describePlaneDelivery(d.body), status: d.status, answer: d.responseBody });
    seen.webhooks = log.render();
    seen.world = describeWorld(world.plane, world.gitea.standin, REPO, await branchHead(remote, 'main'));
    seen.metrics = await metricsExcerpt(listenerUrl);
    if (staging.type === 'enabled') {
      seen.staging = await stagingVerdictLines(remote, 'main', id);
      await removeDemoStaging(docker(agentEnv.DOCKER_HOST), project.id, id);
    }
    if (options.holdOpen) {
      write(`\nThe dashboard stays open at ${dashboardLink ?? listenerUrl} — press Ctrl-C to stop.\n`);
      await options.holdOpen();
    }
  } finally {
    await side.runtime.stop();
    dashboard?.close();
    await listener.close();
    await app.stop(5_000);
  }
  const transcript = renderTranscript((await world.telegram.chat(CHAT.id))?.messages ?? [], 'Conveyor');
  await world.close();
  const problems = world.gitea.problems;
  const stagedOk = staging.type === 'skipped' || seen.staging.includes('VERDICT: SUCCESS');
  const ok = seen.finalStage === 'done' && problems.length === 0 && stagedOk;
  write(`\nThe chat "${CHAT.title}" as its members see it:\n${transcript}${seen.summary}`);
  if (staging.type === 'enabled') write(`\nStaging report (docs/work-items/${seen.taskId ?? '?'}/14-staging-report.md):\n${seen.staging.map((l) => `  ${l}\n`).join('') || '  (no report on main)\n'}`);
  write(`\nWebhooks through the listener (${log.count}; signed, verified, stored, then processed):\n${seen.webhooks}`);
  write(`\nWhat Plane and Gitea saw:\n${seen.world}\nFrom ${listenerUrl}/metrics:\n${seen.metrics}`);
  for (const problem of problems) write(`⚠️  ${problem}\n`);
  write(`\n${ok ? '✅ task reached done' : `❌ task did not reach done (${seen.finalStage ?? 'no task'})`}\n`);
  if (options.keep || !ownRoot) write(`Kept in ${root}; inspect the database: sqlite3 ${config.dbPath} 'select * from transitions'\n`);
  else rmSync(root, { recursive: true, force: true });
  return { ok, taskId: seen.taskId, dbPath: config.dbPath, root, transcript };
}

/** After done: let the tracker and forge jobs, Gitea's webhooks, the inbox and the outbox finish. */
async function settle(app: App, id: string, world: Awaited<ReturnType<typeof startDemoWorld>>): Promise<void> {
  await waitFor(() => (app.queue.activeForTask(id).some((j) => j.kind !== 'agent' && j.kind !== 'ci') ? null : true), 15_000, 'side jobs did not finish').catch(() => undefined);
  await world.gitea.settle();
  await world.plane.webhooksIdle();
  // A pass already in flight may have read the inbox before the last deliveries arrived.
  for (let i = 0; i < 20 && countInbox(app.store).pending + countInbox(app.store).retrying > 0; i += 1) await app.inbox.processOnce();
  // Let the final card state reach the chat (the pacer keeps Telegram's limits).
  await app.drain.drainOnce();
  await app.drain.drainOnce();
}

/** A few lines of the Prometheus text the listener serves. */
async function metricsExcerpt(listenerUrl: string): Promise<string> {
  const text = await (await fetch(`${listenerUrl}/metrics`)).text();
  const wanted = /^conveyor_(webhook_deliveries_total|transitions_total|telegram_sends_total\{method="(sendMessage|editMessageText)"\}|inbox\{)/;
  return `${text.split('\n').filter((line) => wanted.test(line)).map((line) => `  ${line}`).join('\n')}\n`;
}

/** Alice presses ✅ on every approval message that still has buttons. */
async function pressApprove(sandbox: TelegramSandbox, pressed: Set<number>, write: (t: string) => void): Promise<void> {
  for (const m of (await sandbox.chat(CHAT.id))?.messages ?? []) {
    const approve = m.buttons.flat().find((b) => b.text.startsWith('✅'));
    if (!approve?.callback_data || pressed.has(m.messageId) || m.deleted) continue;
    pressed.add(m.messageId);
    const result = await sandbox.press({ chatId: CHAT.id, messageId: m.messageId, from: ALICE, data: approve.callback_data });
    write(`Alice presses ${approve.text} on message #${m.messageId} → ${result.text ?? '(no answer)'}\n`);
  }
}

/** A signed dashboard link for Alice (an approver and admin of the demo), valid for an hour. */
function demoDashboardLink(botToken: string | null, listenerUrl: string): string | null {
  if (!botToken) return null;
  const token = new DashboardTokens(botToken).sign('link', { userId: ALICE.id, name: ALICE.first_name, expiresAt: Date.now() + 3_600_000 });
  return `${listenerUrl}/app/link?t=${token}`;
}

function latestTaskId(store: Store): string | null {
  const row = store.sqlite.prepare('SELECT id FROM tasks ORDER BY created_at DESC LIMIT 1').get() as { id: string } | undefined;
  return row?.id ?? null;
}

async function waitFor<T>(probe: () => T | null, timeoutMs: number, failure: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`demo: ${failure}`);
}

function demoProject(remote: string, staging: DemoStaging): ProjectConfig {
  const sh = (role: string) => `sh "${join(AGENTS, `${role}.sh`)}"`;
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: REPO,
          cloneUrl: remote,
          defaultBranch: 'main',
          chatId: CHAT.id,
          approvers: [ALICE.id],
          // CI comes from Gitea (its Actions report `status` webhooks), so no local ciCommand.
          plane: { projectId: PLANE_PROJECT },
          agents: { analyst: sh('analyst'), developer: sh('developer'), reviewer: sh('reviewer'), tester: sh('tester') },
          ...demoStagingFields(staging),
        },
      ],
    }),
    'demo project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const project = parsed.projects[0];
  if (!project) throw new Error('demo project missing');
  return project;
}
