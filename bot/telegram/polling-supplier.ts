/**
 * The runner's update supplier with Conveyor's own fault handling. @grammyjs/runner's built-in
 * fetcher rethrows 401 and 409 out of its polling loop, where nothing awaits them (an unhandled
 * rejection that killed the process), and backs network errors off without a cap. This supplier
 * never throws unless stopped: each failed getUpdates is classified (the connection transformer
 * records it for /healthz and the log) and retried after a bounded backoff. The offset lives here,
 * so a retry neither loses nor re-reads updates.
 */
import type { UpdateSupplier } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from './bot-context.ts';
import type { RetryBackoff } from './retry-backoff.ts';
import { sleep, whenUp } from './retry-backoff.ts';
import type { TelegramConnection } from './telegram-connection.ts';
import { classifyTelegramFault } from './telegram-fault.ts';

/** Long-poll timeout (seconds); telegram-bot-api allows up to 50. */
const POLL_TIMEOUT_S = 30;

export interface PollingOptions {
  readonly allowedUpdates: readonly ('message' | 'callback_query')[];
  readonly backoff: RetryBackoff;
  /** A send getting through while polling waits to retry ends the wait early. */
  readonly connection: TelegramConnection;
}

export function pollingSupplier(bot: Bot<BotContext>, options: PollingOptions): UpdateSupplier<Update> {
  let offset = 0;
  return {
    async supply(batchSize, signal) {
      for (;;) {
        try {
          const updates = await bot.api.getUpdates(
            { offset, limit: Math.max(1, Math.min(batchSize, 100)), timeout: POLL_TIMEOUT_S, allowed_updates: [...options.allowedUpdates] },
            signal,
          );
          options.backoff.reset();
          const last = updates.at(-1);
          if (last) offset = last.update_id + 1;
          return updates;
        } catch (error) {
          if (signal.aborted) throw error; // stopping: the runner's source closes
          const fault = classifyTelegramFault(error);
          const delay = Math.max(options.backoff.next(), fault.type === 'down' ? (fault.retryAfterMs ?? 0) : 0);
          const up = whenUp(options.connection);
          await sleep(delay, signal, up.signal);
          up.off();
          if (signal.aborted) throw error;
        }
      }
    },
  };
}
