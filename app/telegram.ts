/**
 * Wires the Telegram side: the bot (handlers, runtime), the notifier that drains the outbox into
 * it, one pacer shared by both, and the card refresher that runs with the bot.
 */
import { linksFor } from './links.ts';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { FileRunFiles } from '../adapters/agents/file-run-files.ts';
import { Access } from '../bot/telegram/access.ts';
import { lastLogLine } from '../adapters/agents/log-file-tail.ts';
import type { AgentLogReader } from '../bot/telegram/agent-log-line.ts';
import type { BotContext } from '../bot/telegram/bot-context.ts';
import { CallbackSigner } from '../bot/telegram/callback-data.ts';
import { CardPublisher } from '../bot/telegram/card-publisher.ts';
import { CardRefresher } from '../bot/telegram/card-refresher.ts';
import { createBot } from '../bot/telegram/create-bot.ts';
import { dashboardButton } from '../bot/telegram/dashboard-menu.ts';
import { DashboardRights } from '../core/dashboard/dashboard-rights.ts';
import { DashboardTokens } from '../core/dashboard/signed-token.ts';
import { PeopleDirectory } from '../bot/telegram/people-directory.ts';
import { botRuntime, type BotRuntime } from '../bot/telegram/run-bot.ts';
import { storedUpdateOffset } from '../bot/telegram/stored-update-offset.ts';
import { TelegramConnection, type TelegramHealth } from '../bot/telegram/telegram-connection.ts';
import type { HealthReport } from '../adapters/http/health-route.ts';
import { SendPacer, TELEGRAM_LIMITS, type SendLimits } from '../bot/telegram/send-pacer.ts';
import { TelegramNotifier } from '../bot/telegram/telegram-notifier.ts';
import type { Config } from '../core/config/config.ts';
import type { Role } from '../core/domain/stage.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { NotifierPort } from '../core/ports/notifier.ts';
import type { CoreParts } from './compose.ts';

export interface TelegramSide {
  readonly bot: Bot<BotContext>;
  readonly notifier: NotifierPort;
  /** Starts and stops the bot (polling or webhook) and the card refresher together. */
  readonly runtime: BotRuntime;
  readonly refresher: CardRefresher;
  /** Names of approvers and admins as learnt from the chat. */
  readonly people: PeopleDirectory;
  /** The state of the connection to Telegram (/healthz, and the outbox wakes when it comes back). */
  readonly connection: TelegramConnection;
}

export interface TelegramOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Telegram's limits by default; tests and benchmarks scale them (with the sandbox's). */
  readonly limits?: SendLimits;
  readonly botInfo?: UserFromGetMe;
  readonly onApiCall?: (method: string, status: 'ok' | 'rate-limited' | 'error', ms: number) => void;
  /** Between card refreshes of running agents; default one minute. */
  readonly cardRefreshMs?: number;
}

export function buildTelegram(parts: CoreParts, options: TelegramOptions): TelegramSide {
  const { config, clock } = options;
  const token = config.telegram.botToken;
  if (!token) throw new Error('TELEGRAM_BOT_TOKEN is required for the Telegram side');
  const access = new Access(parts.projects, config.adminIds);
  const signer = new CallbackSigner(token);
  const pacer = new SendPacer(options.limits ?? TELEGRAM_LIMITS);
  const agentLogLine = agentLogReader(config.workdir);
  const links = linksFor(config, parts.projects);
  const logger = options.logger.child({ part: 'bot' });
  const people = new PeopleDirectory(parts.store, () => clock.now(), (id) => access.isKnownPerson(id));
  const connection = new TelegramConnection(options.logger.child({ part: 'telegram' }), () => clock.now());
  const bot = createBot({
    config,
    store: parts.store,
    queue: parts.queue,
    engine: parts.engine,
    access,
    signer,
    reconciler: parts.reconciler,
    clock,
    logger,
    forgeLinks: links.forge,
    tracker: parts.tracker,
    trackerIssueUrl: links.trackerIssue,
    pacer,
    agentLogLine,
    people,
    connection,
    dashboard: { rights: new DashboardRights(parts.projects, config.adminIds), tokens: new DashboardTokens(token) },
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(options.onApiCall ? { onApiCall: options.onApiCall } : {}),
  });
  const cards = new CardPublisher({
    api: bot.api,
    store: parts.store,
    pacer,
    mode: config.trackerMode,
    now: () => clock.now(),
    keyboard: (taskId, chatId) => {
      const button = dashboardButton(config.publicUrl, chatId, bot.isInited() ? (bot.botInfo.username ?? null) : null, taskId);
      return button ? { inline_keyboard: [[button]] } : undefined;
    },
  });
  const notifier = new TelegramNotifier({
    api: bot.api,
    store: parts.store,
    queue: parts.queue,
    projects: parts.projects,
    locale: config.locale,
    maxRollbacks: config.maxDeveloperRetries,
    clock,
    cards,
    pacer,
    signer,
    forgeLinks: links.forge,
    agentLogLine,
    names: people.nameOf,
  });
  const refresher = new CardRefresher({
    store: parts.store,
    queue: parts.queue,
    clock,
    logger,
    ...(options.cardRefreshMs !== undefined ? { intervalMs: options.cardRefreshMs } : {}),
  });
  const base = botRuntime(bot, config, { connection, logger, offsets: storedUpdateOffset(parts.store, () => clock.now()) });
  const runtime: BotRuntime = {
    webhookHandler: base.webhookHandler,
    start() {
      refresher.start();
      return base.start();
    },
    async stop() {
      refresher.stop();
      await base.stop();
    },
  };
  return { bot, notifier, runtime, refresher, people, connection };
}

/**
 * The app's health with Telegram's: `checks.telegram` is the state (up, down, conflict,
 * unauthorized) and `telegram` says why and since when. Not up → unhealthy (503): chat is
 * unavailable, although the pipeline keeps running.
 */
export function withTelegramHealth(report: HealthReport, telegram: TelegramHealth): HealthReport {
  return {
    ok: report.ok && telegram.state === 'up',
    checks: { ...report.checks, telegram: telegram.state },
    details: {
      ...report.details,
      telegram: { state: telegram.state, reason: telegram.reason, since: new Date(telegram.since).toISOString() },
    },
  };
}

/** Reads a run's log where the agent runner writes it (`<workdir>/logs/<task>/<role>-<attempt>.log`). */
function agentLogReader(workdir: string): AgentLogReader {
  const files = new FileRunFiles({ workdir });
  return (taskId, role, attempt) => {
    try {
      return lastLogLine(files.logFile(taskId, role as Role, attempt));
    } catch {
      return null; // an id the run files refuse has no log
    }
  };
}
