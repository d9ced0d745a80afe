/**
 * Builds the grammY bot: outbound transformers (pacing inside Telegram's limits, bounded
 * auto-retry, counting calls and 429s),
 * access control (only configured chats and people; button presses are judged per approval),
 * store-backed conversations, approval buttons and commands, and one error boundary.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Context, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../../core/config/config.ts';
import type { Engine } from '../../core/engine/engine.ts';
import { describeError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { ReconcilerPort } from '../../core/ports/reconciler.ts';
import type { TrackerPort } from '../../core/ports/tracker.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import type { Store } from '../../core/store/store.ts';
import type { Access } from './access.ts';
import type { AgentLogReader } from './agent-log-line.ts';
import { onApprovalPress, REJECT_CONVERSATION, rejectReasonConversation } from './approval-buttons.ts';
import type { BotContext } from './bot-context.ts';
import { installRollbackButtons } from './rollback-buttons.ts';
import type { CallbackSigner } from './callback-data.ts';
import type { PeopleDirectory } from './people-directory.ts';
import { connectionTransformer } from './connection-transformer.ts';
import { installCommands } from './commands.ts';
import { installDashCommand } from './dash-command.ts';
import type { DashboardRights } from '../../core/dashboard/dashboard-rights.ts';
import type { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import { kvConversationStorage } from './kv-conversation-storage.ts';
import { pacingTransformer } from './pacing-transformer.ts';
import type { SendPacer } from './send-pacer.ts';
import type { TelegramConnection } from './telegram-connection.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export interface BotDeps {
  readonly config: Config;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly access: Access;
  readonly signer: CallbackSigner;
  readonly reconciler: ReconcilerPort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The forge repository's browser links of a project (card, BRD approval), or null. */
  readonly forgeLinks: ForgeLinksOf;
  /** The tracker, when configured: `/new` in a project with a tracker creates the issue first. */
  readonly tracker?: TrackerPort | null;
  /** The tracker issue's browser link, when known. */
  readonly trackerIssueUrl?: (projectId: string, issueId: string) => string | null;
  /** Every send and edit waits for it (shared with the notifier). */
  readonly pacer: SendPacer;
  /** The running agent's last log line, for `/status`. */
  readonly agentLogLine?: AgentLogReader;
  /** Known bot identity (skips getMe; tests). */
  readonly botInfo?: UserFromGetMe;
  /** Each Bot API call's final answer and its duration (pacing waits and retries included). */
  readonly onApiCall?: (method: string, status: 'ok' | 'rate-limited' | 'error', ms: number) => void;
  /** Names learnt from updates, so cards and `/queue` name people (ids when absent). */
  readonly people?: PeopleDirectory;
  /** Kept true from every call's answer (up, down, conflict, refused token). */
  readonly connection?: TelegramConnection;
  /** The dashboard's rights and link signer: `/dash` in a private chat (absent: no `/dash`). */
  readonly dashboard?: { readonly rights: DashboardRights; readonly tokens: DashboardTokens };
}

/**
 * Bounded: a 429 storm must not hold a send forever (the outbox retries later). Network errors and
 * 5xx are rethrown at once: auto-retry would back them off without limit (up to an hour per step),
 * stalling sends and getMe; the outbox and the connection loop retry them on a short, capped delay.
 */
export const AUTO_RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowInternalServerErrors: true, rethrowHttpErrors: true } as const;

export function createBot(deps: BotDeps): Bot<BotContext> {
  const token = deps.config.telegram.botToken;
  if (!token) throw new Error('createBot needs TELEGRAM_BOT_TOKEN');
  const bot = new Bot<BotContext>(token, { client: { apiRoot: deps.config.telegram.apiRoot }, ...(deps.botInfo ? { botInfo: deps.botInfo } : {}) });
  const counting = countingTransformer(deps.onApiCall);
  const pacing = pacingTransformer(deps.pacer);
  const observing: Transformer = deps.connection ? connectionTransformer(deps.connection) : (prev, method, payload, signal) => prev(method, payload, signal);
  // Innermost first: each retry waits for a pacer slot again; the count and the connection see the final answer.
  bot.api.config.use(pacing, autoRetry(AUTO_RETRY), counting, observing);

  // Updates of one chat in order (the runner is concurrent); different chats proceed in parallel.
  bot.use(sequentialize((ctx) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  if (deps.dashboard) installDashCommand(bot, { config: deps.config, ...deps.dashboard, now: () => deps.clock.now() });
  bot.use(async (ctx, next) => {
    const chatId = ctx.chat ? String(ctx.chat.id) : '';
    if (deps.access.projectsInChat(chatId).length === 0) return; // not a configured chat: stay silent
    await deps.people?.remember(ctx.from);
    await deps.people?.remember(ctx.chatMember?.new_chat_member.user);
    for (const user of ctx.message?.new_chat_members ?? []) await deps.people?.remember(user);
    // Presses are judged per approval (a stranger gets an alert); everything else needs a known person.
    if (ctx.callbackQuery || (ctx.from && deps.access.isKnownPerson(ctx.from.id))) await next();
  });

  bot.use(
    conversations<BotContext, Context>({
      storage: {
        type: 'key',
        getStorageKey: (ctx) => (ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined),
        adapter: kvConversationStorage(deps.store, () => deps.clock.now()),
      },
      plugins: [
        async (ctx, next) => {
          ctx.api.config.use(pacing, autoRetry(AUTO_RETRY), counting, observing);
          await next();
        },
      ],
    }),
  );
  const approvalDeps = { store: deps.store, engine: deps.engine, access: deps.access, signer: deps.signer, locale: deps.config.locale, forgeLinks: deps.forgeLinks, logger: deps.logger };
  bot.use(createConversation(rejectReasonConversation(approvalDeps), REJECT_CONVERSATION));
  installRollbackButtons(bot, { store: deps.store, engine: deps.engine, access: deps.access, signer: deps.signer, locale: deps.config.locale, now: () => deps.clock.now(), logger: deps.logger });
  bot.on('callback_query:data', (ctx) => onApprovalPress(ctx, approvalDeps));
  installCommands(bot, {
    config: deps.config,
    store: deps.store,
    queue: deps.queue,
    engine: deps.engine,
    access: deps.access,
    clock: deps.clock,
    reconciler: deps.reconciler,
    forgeLinks: deps.forgeLinks,
    tracker: deps.tracker ?? null,
    trackerIssueUrl: deps.trackerIssueUrl ?? (() => null),
    ...(deps.agentLogLine ? { agentLogLine: deps.agentLogLine } : {}),
    ...(deps.people ? { names: deps.people.nameOf } : {}),
  });

  bot.catch((error) => {
    deps.logger.error({ update: error.ctx.update.update_id, error: describeError(error.error) }, 'bot handler failed');
  });
  return bot;
}

function countingTransformer(onCall: BotDeps['onApiCall']): Transformer {
  return async (prev, method, payload, signal) => {
    const started = performance.now();
    const result = await prev(method, payload, signal);
    onCall?.(method, result.ok ? 'ok' : result.error_code === 429 ? 'rate-limited' : 'error', performance.now() - started);
    return result;
  };
}
