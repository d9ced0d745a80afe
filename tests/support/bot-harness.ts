/**
 * The real Conveyor with its Telegram bot, talking over HTTP to the Bot API sandbox: a real SQLite
 * file, a real bare git remote, agents that are tiny shell scripts, polling through the runner (or
 * webhook mode through the Hono listener). People post and press through the sandbox's control
 * API; tests read the chat as its members see it. `restart` stops bot and app and starts new ones
 * on the same database, as a process restart would.
 */
import { isApprovalOf } from './approval-message.ts';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createListener } from '../../adapters/http/listener.ts';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { serveListener, type RunningListener } from '../../adapters/http/serve.ts';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import type {
  RateLimits,
  SandboxMessage,
  SandboxUser,
} from '../../adapters/sandbox/telegram/sandbox-types.ts';
import {
  startTelegramSandbox,
  type TelegramSandbox,
} from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { createApp } from '../../app/compose.ts';
import { countTelegramCalls } from '../../app/integrations.ts';
import { buildTelegram, type TelegramSide } from '../../app/telegram.ts';
import { linksFor } from '../../app/links.ts';
import { lastLogLine } from '../../adapters/agents/log-file-tail.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { TELEGRAM_WEBHOOK_PATH } from '../../bot/telegram/run-bot.ts';
import { scaleLimits, TELEGRAM_LIMITS, type SendLimits } from '../../bot/telegram/send-pacer.ts';
import { loadConfig, type Config } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { Task } from '../../core/domain/task.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { createGitRemote, type GitRemote } from './git-fixtures.ts';
import { sqliteApp, type SqliteApp } from './sqlite-app.ts';

export const TOKEN = '123456789:TEST-sandbox-token-not-a-secret';
export const CHAT_ID = -1001200300400;
export const OTHER_CHAT_ID = -1009990001;
/** Approver and admin. */
export const ALICE: SandboxUser = { id: 111, first_name: 'Alice', username: 'alice' };
/** Approver, not admin. */
export const BOB: SandboxUser = { id: 222, first_name: 'Bob', username: 'bob' };
/** In the chat, but neither approver nor admin. */
export const MALLORY: SandboxUser = { id: 666, first_name: 'Mallory', username: 'mallory' };

const DEFAULT_AGENTS: Partial<Record<Role, string>> = {
  analyst:
    'mkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf "# BRD\\n\\nAdd the wishlist button.\\n" > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n',
  developer: 'echo "change $ORCH_ATTEMPT" >> src/app.txt\n',
  reviewer: 'true\n',
  tester: 'true\n',
};

export interface HarnessOptions {
  /** Extra environment (ORCH_TRACKER_MODE, ORCH_MAX_DEVELOPER_RETRIES, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Shell script bodies per role (defaults: an analyst writing a BRD, a developer editing a file). */
  readonly agents?: Partial<Record<Role, string>>;
  readonly ciCommand?: string;
  /** Telegram's limits times this, for the sandbox and the pacer alike; default 20. */
  readonly limitsFactor?: number;
  /** The sandbox's limits when they must differ from the pacer's (a 429 storm). */
  readonly sandboxLimits?: RateLimits;
  readonly webhook?: boolean;
  readonly cardRefreshMs?: number;
  /** A tracker for the project (with `planeProjectId`, the project gets a `plane` section). */
  readonly tracker?: TrackerPort;
  readonly planeProjectId?: string;
  /** Fields merged into the project's entry (stages, staging, deploy…). */
  readonly project?: Readonly<Record<string, unknown>>;
  /** The Docker engine Conveyor talks to (DOCKER_HOST), for deploy hooks and promotion. */
  readonly dockerHost?: string;
}

export interface BotHarness {
  readonly sandbox: TelegramSandbox;
  readonly root: string;
  readonly remote: string;
  readonly config: Config;
  readonly project: ProjectConfig;
  readonly pacerLimits: SendLimits;
  /** The running instance (replaced by `restart`). */
  readonly app: SqliteApp;
  readonly side: TelegramSide;
  /** The listener's base URL in webhook mode. */
  readonly listenerUrl: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  say(from: SandboxUser, text: string, chatId?: number): Promise<{ messageId: number; updateId: number }>;
  messages(chatId?: number): Promise<SandboxMessage[]>;
  /** The bot's card messages for a task (deleted ones included), oldest first; a /status reply looks the same. */
  cardMessages(taskId: string): Promise<SandboxMessage[]>;
  /** The message the task's card row points at, if any. */
  liveCard(taskId: string): Promise<SandboxMessage | undefined>;
  /** The card's HTML as the bot would render it now. */
  expectedCard(taskId: string): Promise<string>;
  task(id: string): Promise<Task | null>;
  waitFor<T>(
    probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const factor = options.limitsFactor ?? 20;
  const pacerLimits = scaleLimits(TELEGRAM_LIMITS, factor);
  const sandbox = await startTelegramSandbox({
    token: TOKEN,
    botUsername: 'conveyor_test_bot',
    botName: 'Conveyor',
    limits: options.sandboxLimits ?? pacerLimits,
  });
  await sandbox.registerChat({ id: CHAT_ID, type: 'supergroup', title: 'Shop delivery' });
  await sandbox.registerChat({ id: OTHER_CHAT_ID, type: 'supergroup', title: 'Elsewhere' });
  const root = mkdtempSync(join(tmpdir(), 'conveyor-bot-'));
  const git: GitRemote = await createGitRemote('shop');
  const project = writeProject(root, git.remote, options);
  let listener: RunningListener | null = null;
  let current: Hono | null = null;
  if (options.webhook) {
    // The port must be known before the config (ORCH_PUBLIC_URL); the real listener is built later.
    const front = new Hono().all('*', (c) => (current ? current.fetch(c.req.raw) : c.text('starting', 503)));
    listener = await serveListener(front, { host: '127.0.0.1', port: 0 });
  }
  const listenerUrl = listener ? `http://127.0.0.1:${listener.port}` : null;
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: sandbox.apiRoot,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_ADMIN_IDS: String(ALICE.id),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_AGENT_TIMEOUT_S: '60',
    ORCH_LOG_LEVEL: process.env.CONVEYOR_TEST_LOG ?? 'silent',
    ...(options.webhook
      ? {
          ORCH_TELEGRAM_MODE: 'webhook',
          ORCH_TELEGRAM_WEBHOOK_SECRET: 'hook-secret_42',
          ORCH_PUBLIC_URL: listenerUrl ?? '',
        }
      : {}),
    ...options.env,
  });
  const logger = createLogger({ level: config.logLevel, secrets: [TOKEN] });

  let instance: { app: SqliteApp; side: TelegramSide } | null = null;
  let running = false;
  const build = async (): Promise<{ app: SqliteApp; side: TelegramSide }> => {
    let side: TelegramSide | null = null;
    const app = sqliteApp(await createApp({
      config,
      projects: [project],
      logger,
      env: { PATH: process.env.PATH, HOME: root, LANG: 'C', ...(options.dockerHost ? { DOCKER_HOST: options.dockerHost } : {}) },
      notifier: (parts) => {
        side = buildTelegram(parts, {
          config,
          logger,
          clock: systemClock,
          limits: pacerLimits,
          onApiCall: countTelegramCalls(parts.metrics),
          ...(options.cardRefreshMs ? { cardRefreshMs: options.cardRefreshMs } : {}),
        });
        return side.notifier;
      },
      pollMs: 100,
      leaseMs: 10_000,
      ...(options.tracker ? { tracker: options.tracker } : {}),
    }));
    const built = side as TelegramSide | null;
    if (!built) throw new Error('the Telegram side was not built');
    built.connection.onUp(() => app.drain.resume()); // as `conveyor start` wires it
    if (options.webhook && built.runtime.webhookHandler) {
      const handler = built.runtime.webhookHandler;
      current = createListener({
        store: app.store,
        giteaSecret: null,
        planeSecret: null,
        metrics: createMetrics(),
        logger,
        health: async () => ({ ok: true, checks: {} }),
        telegram: { path: TELEGRAM_WEBHOOK_PATH, handler: (c) => handler(c) },
      });
    }
    return { app, side: built };
  };
  const need = () => {
    if (!instance) throw new Error('the harness is not started');
    return instance;
  };

  const harness: BotHarness = {
    sandbox,
    root,
    remote: git.remote,
    config,
    project,
    pacerLimits,
    listenerUrl,
    get app() {
      return need().app;
    },
    get side() {
      return need().side;
    },
    async start() {
      instance ??= await build();
      await instance.side.runtime.start();
      instance.app.start();
      running = true;
    },
    async stop() {
      if (!instance || !running) return;
      running = false;
      await instance.side.runtime.stop();
      await instance.app.stop(3_000);
      current = null;
      instance = null;
    },
    async restart() {
      await harness.stop();
      await harness.start();
    },
    say: (from, text, chatId = CHAT_ID) => sandbox.postMessage({ chatId, from, text }),
    messages: async (chatId = CHAT_ID) => (await sandbox.chat(chatId))?.messages ?? [],
    async cardMessages(taskId) {
      return (await harness.messages()).filter((m) => m.from.is_bot && m.plain.startsWith(`🧩 ${taskId} ·`));
    },
    async liveCard(taskId) {
      const row = need()
        .app.store.sqlite.prepare('SELECT message_id AS id FROM cards WHERE task_id = ?')
        .get(taskId) as { id: number | null } | undefined;
      return (await harness.messages()).find((m) => m.messageId === row?.id);
    },
    async expectedCard(taskId) {
      const { app } = need();
      const view = await buildCardView(
        app.store,
        app.queue,
        app.projects,
        taskId,
        config.maxDeveloperRetries,
        linksFor(config, app.projects).forge((await getTask(app.store.db, taskId))?.projectId ?? ''),
      );
      if (!view) throw new Error(`no card view for ${taskId}`);
      const w = view.waiting;
      const logLine =
        w.type === 'agent' && w.state === 'running'
          ? lastLogLine(join(config.workdir, 'logs', taskId, `${w.role}-${w.attempt}.log`))
          : null;
      return renderCard(view, config.locale, Date.now(), 'html', { logLine, names: need().side.people.nameOf });
    },
    task: async (id) => await getTask(need().app.store.db, id),
    async waitFor(probe, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== null && value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await harness.stop().catch(() => undefined);
      await listener?.close().catch(() => undefined);
      await sandbox.close();
      await git.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return harness;
}

function writeProject(root: string, remote: string, options: HarnessOptions): ProjectConfig {
  const dir = join(root, 'agents');
  mkdirSync(dir, { recursive: true });
  const agents: Record<string, string> = {};
  for (const [role, body] of Object.entries({ ...DEFAULT_AGENTS, ...options.agents })) {
    const file = join(dir, `${role}.sh`);
    writeFileSync(file, `set -e\n${body}`);
    agents[role] = `sh "${file}"`;
  }
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'acme/shop',
          cloneUrl: remote,
          defaultBranch: 'main',
          chatId: CHAT_ID,
          approvers: [ALICE.id, BOB.id],
          ciCommand: options.ciCommand ?? 'true',
          ...(options.planeProjectId ? { plane: { projectId: options.planeProjectId } } : {}),
          agents,
          stages: ['analysis', 'development'],
          ...options.project,
        },
      ],
    }),
    'bot harness',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  return parsed.projects[0]!;
}

/** Alice-style press of the first button whose text contains `label` on message `messageId`. */
export async function pressButton(h: BotHarness, from: SandboxUser, messageId: number, label: string) {
  const message = (await h.messages()).find((m) => m.messageId === messageId);
  const button = message?.buttons.flat().find((b) => b.text.includes(label));
  if (!button?.callback_data) throw new Error(`message ${messageId} has no "${label}" button`);
  return h.sandbox.press({ chatId: CHAT_ID, messageId, from, data: button.callback_data });
}

/** The approval message of a task (the newest one), once it is posted. */
export async function approvalMessage(h: BotHarness, taskId: string): Promise<SandboxMessage> {
  return h.waitFor(
    async () =>
      (await h.messages())
        .filter((m) => isApprovalOf(m, taskId))
        .at(-1),
    `the approval message of ${taskId}`,
  );
}
