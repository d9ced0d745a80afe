/** Wires the Telegram side: the bot (handlers, runtime) and the notifier that drains the outbox into it. */
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { Access } from '../bot/telegram/access.ts';
import type { BotContext } from '../bot/telegram/bot-context.ts';
import { CallbackSigner } from '../bot/telegram/callback-data.ts';
import { CardPublisher } from '../bot/telegram/card-publisher.ts';
import { createBot } from '../bot/telegram/create-bot.ts';
import { botRuntime, type BotRuntime } from '../bot/telegram/run-bot.ts';
import { SendPacer, TELEGRAM_LIMITS, type SendLimits } from '../bot/telegram/send-pacer.ts';
import { TelegramNotifier } from '../bot/telegram/telegram-notifier.ts';
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { NotifierPort } from '../core/ports/notifier.ts';
import type { CoreParts } from './compose.ts';

export interface TelegramSide {
  readonly bot: Bot<BotContext>;
  readonly notifier: NotifierPort;
  readonly runtime: BotRuntime;
}

export interface TelegramOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limits?: SendLimits;
  readonly botInfo?: UserFromGetMe;
  readonly onApiCall?: (method: string, status: 'ok' | 'rate-limited' | 'error') => void;
}

export function buildTelegram(parts: CoreParts, options: TelegramOptions): TelegramSide {
  const { config, clock } = options;
  const token = config.telegram.botToken;
  if (!token) throw new Error('TELEGRAM_BOT_TOKEN is required for the Telegram side');
  const access = new Access(parts.projects, config.adminIds);
  const signer = new CallbackSigner(token);
  const forgeRepoBase = (project: ProjectConfig | undefined) => (config.gitea && project ? `${config.gitea.url}/${project.repo}` : null);
  const bot = createBot({
    config,
    store: parts.store,
    queue: parts.queue,
    engine: parts.engine,
    access,
    signer,
    reconciler: parts.reconciler,
    clock,
    logger: options.logger.child({ part: 'bot' }),
    forgeBase: (projectId) => forgeRepoBase(parts.projects.get(projectId)),
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(options.onApiCall ? { onApiCall: options.onApiCall } : {}),
  });
  const pacer = new SendPacer(options.limits ?? TELEGRAM_LIMITS);
  const cards = new CardPublisher({ api: bot.api, store: parts.store, pacer, mode: config.trackerMode, now: () => clock.now() });
  const notifier = new TelegramNotifier({
    api: bot.api,
    store: parts.store,
    queue: parts.queue,
    projects: parts.projects,
    locale: config.locale,
    maxRollbacks: config.maxDeveloperRetries,
    clock,
    pacer,
    cards,
    signer,
    forgeBase: forgeRepoBase,
  });
  return { bot, notifier, runtime: botRuntime(bot, config) };
}
