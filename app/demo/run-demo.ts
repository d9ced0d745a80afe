/**
 * The offline demo: the real orchestrator (store, engine, queue, workers, git worktrees, agent
 * processes, webhook listener, inbox processor) and the real Telegram bot, talking to local
 * stand-ins of Telegram, Gitea and Plane through the same variables as for the real services.
 * Priya creates a work item in Plane; its signed webhook reaches the listener and becomes task
 * SHOP-1. Alice presses ✅ Approve on the BRD in the chat, and Plane gets the decision as a comment.
 * Scripted agents do the work; Gitea runs CI on every push and reports it by `status` webhook; the
 * reviewer requests changes once, so a rollback carrying its must-fix text happens. With a Docker
 * engine the change is staged, Alice presses ✅ Deploy, and the validated image runs as the
 * production container. The PR Conveyor opened on Gitea is merged through Gitea's API into the
 * real repository. No token, no network. Exits non-zero unless the task reaches done.
 * With `forge: 'github'` the same story plays on the GitHub stand-in alone: Priya opens a labelled
 * GitHub issue, Actions report check runs, the PR is merged through GitHub's API and the issue is
 * closed (demo-scene-github.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { serveListener } from '../../adapters/http/serve.ts';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import { loadConfig } from '../../core/config/config.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { createApp } from '../compose.ts';
import { databaseWhere } from '../open-store.ts';
import { buildIntegrations, buildListener, countTelegramCalls } from '../integrations.ts';
import { buildTelegram, type TelegramSide } from '../telegram.ts';
import { dashboardFor } from '../dashboard.ts';
import { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import { branchHead } from './bare-repo.ts';
import { demoDeployBlock, demoProdContainer, imageTrail, removeDemoProduction } from './demo-deploy.ts';
import { ALICE, demoProjectsJson } from './demo-project.ts';
import { nextSteps, printFindings } from './demo-report.ts';
import { addStagingFiles, detectDemoStaging, removeDemoStaging, stagingVerdictLines } from './demo-staging.ts';
import { latestTaskId, metricsExcerpt, pressApprove, settle, waitFor } from './demo-steps.ts';
import { CHAT } from './demo-world.ts';
import type { DemoForge, DemoScene } from './demo-scene.ts';
import { startGiteaScene } from './demo-scene-gitea.ts';
import { startGithubScene } from './demo-scene-github.ts';
import { seedDemoRepository } from './seed-repo.ts';
import { printSummary } from './summary.ts';
import { renderTranscript } from './transcript.ts';
import { WebhookLog } from './webhook-log.ts';

const TITLE = 'Add wishlist count to the cart';

export interface DemoResult {
  readonly ok: boolean;
  readonly taskId: string | null;
  readonly dbPath: string;
  readonly root: string;
  /** The chat as its members saw it, at the end. */
  readonly transcript: string;
  /** The demo's bare repository (Gitea's), while the folder is kept. */
  readonly remote: string;
  /** With Docker: the image id staging built and the one the production container ran. */
  readonly images: { readonly staging: string | null; readonly production: string | null } | null;
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
  /** Where the demo plays: Gitea and Plane (default), or GitHub alone with GitHub Issues (ADR 0046). */
  readonly forge?: DemoForge;
  /** `ORCH_DATABASE_URL`: play on this PostgreSQL database instead of a SQLite file (ADR 0054). */
  readonly databaseUrl?: string;
  /** `ORCH_WORKER_KINDS` of the demo's own process (`none`: separate workers run every job). */
  readonly workerKinds?: string;
  /**
   * Started once the demo runs (Gitea scene): e.g. `conveyor worker` processes with this
   * environment (the scene's integrations, the database, the projects file). Resolves to their stop.
   */
  readonly workers?: (setup: DemoWorkerSetup) => Promise<() => Promise<void>>;
}

/** What a separate worker process needs to run the demo's jobs (give it its own ORCH_WORKDIR). */
export interface DemoWorkerSetup {
  readonly env: Readonly<Record<string, string>>;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const started = Date.now();
  const ownRoot = options.root === undefined;
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
  const kept = options.keep === true || !ownRoot;
  const agentEnv = options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
  const docker = new DockerodeDocker({ dockerHost: agentEnv.DOCKER_HOST });
  const staging = await detectDemoStaging({ dockerHost: agentEnv.DOCKER_HOST, connect: () => docker });
  if (staging.type === 'skipped') write(`${staging.line}\n`);
  const remote = seedDemoRepository(root, staging.type === 'enabled' ? (checkout) => addStagingFiles(checkout, staging.busybox) : undefined);
  const production = demoProdContainer(root);
  const log = new WebhookLog();
  const world: DemoScene = options.forge === 'github' ? await startGithubScene(remote, log, agentEnv) : await startGiteaScene(remote, log, agentEnv);
  const config = loadConfig({
    ...world.env,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ...(options.databaseUrl ? { ORCH_DATABASE_URL: options.databaseUrl } : {}),
    ...(options.workerKinds ? { ORCH_WORKER_KINDS: options.workerKinds } : {}),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_AGENT_TIMEOUT_S: '60',
    ORCH_MAX_DEVELOPER_RETRIES: '3',
    ORCH_ADMIN_IDS: String(ALICE.id),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_LOG_LEVEL: 'warn',
    ...(options.locale ? { ORCH_LOCALE: options.locale } : {}),
  });
  const deploy = staging.type === 'enabled' ? demoDeployBlock(production, agentEnv.DOCKER_HOST ?? '') : undefined;
  const project = world.project(remote, staging, deploy);
  const logger = createLogger({ level: config.logLevel, secrets: world.secrets });
  const integrations = buildIntegrations(config, [project]);
  let telegram: TelegramSide | null = null;
  const app = await createApp({
    config,
    projects: [project],
    logger,
    env: agentEnv,
    tracker: integrations.tracker,
    forge: integrations.forge,
    readers: integrations.readers,
    inbound: { ...integrations.inbound, onProcessed: (row, result) => log.onProcessed(row, result) },
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock, onApiCall: countTelegramCalls(parts.metrics) });
      return telegram.notifier;
    },
    pollMs: 100,
    leaseMs: 15_000,
    deployHealthIntervalMs: 200,
  });
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  const dashboard = dashboardFor(app, config, logger);
  const listener = await serveListener(buildListener({ app, config, logger, dashboard }), { host: '127.0.0.1', port: 0 });
  const listenerUrl = `http://127.0.0.1:${listener.port}`;
  const dashboardLink = demoDashboardLink(config.telegram.botToken, listenerUrl);
  world.connect(listenerUrl);
  write(
    `Conveyor offline demo\n${world.intro(remote, listenerUrl)}  database:     ${databaseWhere(config)}\n` +
      `  Telegram API: ${world.telegram.apiRoot} (local Bot API sandbox, Telegram's rate limits)\n` +
      (staging.type === 'enabled' ? `  Docker:       ${agentEnv.DOCKER_HOST ?? 'the local socket'} (staging, then production as container ${production})\n` : '') +
      `  dashboard:    ${dashboardLink ?? '(no bot token)'} (as Alice, valid 1 h; outside Telegram, like a /dash link)\n\n`,
  );

  let stopWorkers: (() => Promise<void>) | null = null;
  const seen = { taskId: null as string | null, finalStage: null as string | null, summary: '', world: '', metrics: '', staging: null as string[] | null, images: null as string[] | null, sameImage: null as { staging: string | null; production: string | null } | null };
  try {
    await side.runtime.start();
    app.start();
    if (options.workers) {
      if (options.forge === 'github') throw new Error('demo: separate workers run in the Gitea scene only');
      const env = Object.fromEntries(Object.entries({ ...agentEnv, ...world.env }).filter((e): e is [string, string] => e[1] !== undefined));
      const workerEnv = { ...env, ORCH_AGENT_TIMEOUT_S: '60', ORCH_PROJECTS_JSON: demoProjectsJson(remote, staging, deploy), ...(options.databaseUrl ? { ORCH_DATABASE_URL: options.databaseUrl } : { ORCH_DB_PATH: config.dbPath }) };
      stopWorkers = await options.workers({ env: workerEnv });
    }
    write(`${world.fileRequest(TITLE, { html: '<p>Shoppers want to see how many cart items they <strong>wished</strong> for.</p>', markdown: 'Shoppers want to see how many cart items they **wished** for.' })}\n`);
    const id = await waitFor(() => latestTaskId(app.store.db, project.id), 30_000, 'the tracker\'s webhook did not create the task in time');
    seen.taskId = id;
    write(`Conveyor: task ${id} created from the webhook; card posted in "${CHAT.title}"\n`);
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const pressed = new Set<number>();
    while (Date.now() < deadline) {
      const task = await getTask(app.store.db, id);
      if (!task || task.stage === 'done' || task.stage === 'cancelled' || task.escalated) break;
      await pressApprove(world.telegram, pressed, write);
      await new Promise((r) => setTimeout(r, 100));
    }
    await settle(app, id, world);
    const task = await getTask(app.store.db, id);
    seen.finalStage = task?.stage ?? null;
    await printSummary(app.store, id, join(root, 'work'), (t) => void (seen.summary += t));
    seen.world = world.describe(await branchHead(remote, 'main'), log);
    seen.metrics = await metricsExcerpt(listenerUrl);
    if (staging.type === 'enabled') {
      seen.staging = await stagingVerdictLines(remote, 'main', id);
      const trail = await imageTrail(docker, task ?? null, production);
      seen.images = trail.lines;
      seen.sameImage = trail.ids;
      await removeDemoProduction(docker, production);
      await removeDemoStaging(docker, project.id, id);
    }
    if (options.holdOpen) {
      write(`\nThe dashboard stays open at ${dashboardLink ?? listenerUrl} — press Ctrl-C to stop.\n`);
      await options.holdOpen();
    }
  } finally {
    await stopWorkers?.();
    await side.runtime.stop();
    dashboard?.close();
    await listener.close();
    await app.stop(5_000);
  }
  const transcript = renderTranscript((await world.telegram.chat(CHAT.id))?.messages ?? [], 'Conveyor');
  await world.close();
  const problems = world.problems;
  const delivered = staging.type === 'skipped' || (seen.staging?.includes('VERDICT: SUCCESS') === true && seen.sameImage?.staging != null && seen.sameImage.staging === seen.sameImage.production);
  const ok = seen.finalStage === 'done' && problems.length === 0 && delivered;
  const webhookFile = kept ? join(root, 'webhooks.txt') : null;
  if (webhookFile) writeFileSync(webhookFile, log.render());
  printFindings({ chatTitle: CHAT.title, systems: world.systems, transcript, summary: seen.summary, taskId: seen.taskId, staging: seen.staging, images: seen.images, webhooks: log.summary(), webhookFile, world: seen.world, metricsUrl: listenerUrl, metrics: seen.metrics, problems, ok, finalStage: seen.finalStage }, write);
  if (kept) write(`Kept in ${root}; inspect the database: ${config.databaseUrl === null ? `sqlite3 ${config.dbPath}` : `psql ${databaseWhere(config)}`} 'select * from transitions'\n`);
  else rmSync(root, { recursive: true, force: true });
  write(`Took ${((Date.now() - started) / 1000).toFixed(1)} s.\n${nextSteps(kept)}`);
  return { ok, taskId: seen.taskId, dbPath: config.dbPath, root, transcript, remote, images: seen.sameImage };
}

/** A signed dashboard link for Alice (an approver and admin of the demo), valid for an hour. */
function demoDashboardLink(botToken: string | null, listenerUrl: string): string | null {
  if (!botToken) return null;
  const token = new DashboardTokens(botToken).sign('link', { userId: ALICE.id, name: ALICE.first_name, expiresAt: Date.now() + 3_600_000 });
  return `${listenerUrl}/app/link?t=${token}`;
}

