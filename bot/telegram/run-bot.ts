/**
 * Running the bot: long polling through @grammyjs/runner (updates sequentialised per chat,
 * graceful stop), or webhook mode (the listener mounts `webhookHandler`; Telegram is told the
 * URL and secret token at start).
 *
 * Nothing waits for Telegram: `start` connects in the background (getMe, setMyCommands, then
 * polling or setWebhook) with bounded retries (1 s doubling to 30 s), so the workers, inbox and
 * listener run while Telegram is down. The TelegramConnection says how it goes (/healthz, log).
 */
import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback, type Bot } from 'grammy';
import type { Config } from '../../core/config/config.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { BotContext } from './bot-context.ts';
import { commandMenu } from './commands.ts';
import { pollingSupplier } from './polling-supplier.ts';
import { RetryBackoff, sleep, whenUp } from './retry-backoff.ts';
import type { TelegramConnection } from './telegram-connection.ts';
import { classifyTelegramFault } from './telegram-fault.ts';
import { setDashboardMenuButton } from './dashboard-menu.ts';
import { HandledUpdates, OffsetKeeper, type UpdateOffsetStore } from './update-offset.ts';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

type GrammySignal = Parameters<Bot['init']>[0];

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** How the first connection attempt series ended. */
export type ConnectOutcome =
  | { readonly type: 'connected' }
  /** Telegram refused the token before the bot ever connected: a wrong TELEGRAM_BOT_TOKEN. */
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'stopped' };

export interface BotRuntime {
  /** For webhook mode: the handler the listener mounts at TELEGRAM_WEBHOOK_PATH. */
  readonly webhookHandler: ((c: unknown) => Promise<Response>) | null;
  /**
   * Starts connecting in the background and never throws. The promise settles when the bot first
   * connected, the token was refused before that, or `stop` was called; `conveyor start` does not
   * wait for it before running the pipeline.
   */
  start(): Promise<ConnectOutcome>;
  stop(): Promise<void>;
}

export interface BotRuntimeOptions {
  readonly connection: TelegramConnection;
  readonly logger: Logger;
  /** First retry delay and cap (ms); default 1 s → 30 s. */
  readonly retry?: { readonly baseMs: number; readonly capMs: number };
  /** Where the polling offset is kept, so the next leader resumes from it (update-offset.ts). */
  readonly offsets?: UpdateOffsetStore;
}

export function botRuntime(bot: Bot<BotContext>, config: Config, options: BotRuntimeOptions): BotRuntime {
  const webhook = config.telegram.mode === 'webhook';
  const secretToken = config.telegram.webhookSecret ?? undefined;
  const newBackoff = () => new RetryBackoff(options.retry?.baseMs, options.retry?.capMs);
  let runner: RunnerHandle | null = null;
  let stopping: AbortController | null = null;
  let connecting: Promise<ConnectOutcome> | null = null;
  let keeper: OffsetKeeper | null = null;

  const connectOnce = async (abort: AbortSignal): Promise<void> => {
    const signal = abort as unknown as GrammySignal; // grammY types its own AbortSignal shim
    await bot.init(signal);
    await bot.api.setMyCommands(commandMenu(config.locale), {}, signal);
    await setDashboardMenuButton(bot, config, options.logger, signal);
    if (webhook) {
      await bot.api.setWebhook(`${config.publicUrl ?? ''}${TELEGRAM_WEBHOOK_PATH}`, { ...(secretToken ? { secret_token: secretToken } : {}), allowed_updates: [...ALLOWED_UPDATES] }, signal);
    } else {
      await bot.api.deleteWebhook({}, signal);
    }
  };

  const connect = async (signal: AbortSignal): Promise<ConnectOutcome> => {
    const backoff = newBackoff();
    for (;;) {
      try {
        await connectOnce(signal);
        options.connection.up('getMe');
        if (!webhook) startPolling();
        return { type: 'connected' };
      } catch (error) {
        if (signal.aborted) return { type: 'stopped' };
        const fault = classifyTelegramFault(error);
        // A token refused before it ever worked is a configuration error: `conveyor start` exits.
        if (fault.type === 'unauthorized') return { type: 'refused', reason: fault.reason };
        const delay = backoff.next();
        options.logger.debug({ reason: fault.reason, retryInMs: delay }, 'connecting to Telegram failed; retrying');
        // Any answer from Telegram meanwhile (an outbox send got through) ends the wait early.
        const up = whenUp(options.connection);
        await sleep(delay, signal, up.signal);
        up.off();
        if (signal.aborted) return { type: 'stopped' };
      }
    }
  };

  const startPolling = (): void => {
    const offsets = options.offsets;
    const onOffsetError = (error: unknown): void =>
      options.logger.warn({ error: describeError(error) }, 'the Telegram polling offset could not be read or stored');
    const handled = new HandledUpdates();
    const kept = offsets ? new OffsetKeeper(offsets, onOffsetError) : null;
    keeper = kept;
    const supplier = pollingSupplier(bot, {
      allowedUpdates: ALLOWED_UPDATES,
      backoff: newBackoff(),
      connection: options.connection,
      ...(offsets ? { resume: { load: () => offsets.load(), handled, onError: onOffsetError } } : {}),
    });
    const consume = async (update: Parameters<typeof bot.handleUpdate>[0]): Promise<void> => {
      try {
        await bot.handleUpdate(update);
      } finally {
        handled.handled(update.update_id);
        kept?.keep(handled.point());
      }
    };
    const sink = createConcurrentSink<Parameters<typeof bot.handleUpdate>[0]>({ consume }, async (error) => {
      try {
        await bot.errorHandler(error as Parameters<typeof bot.errorHandler>[0]);
      } catch (thrown) {
        options.logger.error({ error: describeError(thrown) }, 'bot error handler failed');
      }
    });
    runner = createRunner(createSource(supplier), sink);
    runner.start();
    // The supplier never throws while running; should the loop end anyway, say so rather than crash.
    void runner.task()?.catch((error: unknown) => options.logger.error({ error: describeError(error) }, 'Telegram polling stopped unexpectedly'));
  };

  return {
    webhookHandler: webhook ? (webhookCallback(bot, 'hono', { secretToken }) as (c: unknown) => Promise<Response>) : null,
    start() {
      stopping = new AbortController();
      connecting = connect(stopping.signal);
      return connecting;
    },
    async stop() {
      stopping?.abort();
      await connecting;
      if (runner?.isRunning()) await runner.stop();
      runner = null;
      await keeper?.flushed();
    },
  };
}
