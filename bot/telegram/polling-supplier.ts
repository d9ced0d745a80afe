/**
 * The runner's update supplier with Conveyor's own fault handling. @grammyjs/runner's built-in
 * fetcher rethrows 401 and 409 out of its polling loop, where nothing awaits them (an unhandled
 * rejection that killed the process), and backs network errors off without a cap. This supplier
 * never throws unless stopped: each failed getUpdates is classified (the connection transformer
 * records it for /healthz and the log) and retried after a bounded backoff. The offset lives here,
 * so a retry neither loses nor re-reads updates; the first poll starts from the offset kept in the
 * store (update-offset.ts), so a new leader neither re-handles nor skips its predecessor's updates.
 */
import type { UpdateSupplier } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from './bot-context.ts';
import type { RetryBackoff } from './retry-backoff.ts';
import { sleep, whenUp } from './retry-backoff.ts';
import type { TelegramConnection } from './telegram-connection.ts';
import { classifyTelegramFault } from './telegram-fault.ts';
import type { HandledUpdates, ResumePoint } from './update-offset.ts';

/** Long-poll timeout (seconds); telegram-bot-api allows up to 50. */
const POLL_TIMEOUT_S = 30;
/** While a handler runs long, how often polling still asks for new updates. */
const IN_FLIGHT_REPOLL_MS = 300;

export interface PollingOptions {
  readonly allowedUpdates: readonly ('message' | 'callback_query')[];
  readonly backoff: RetryBackoff;
  /** A send getting through while polling waits to retry ends the wait early. */
  readonly connection: TelegramConnection;
  /** Where polling resumes (the stored offset) and which fetched updates are still being handled. */
  readonly resume?: { readonly load: () => Promise<ResumePoint>; readonly handled: HandledUpdates; readonly onError: (error: unknown) => void };
}

export function pollingSupplier(bot: Bot<BotContext>, options: PollingOptions): UpdateSupplier<Update> {
  let offset = 0;
  let resumed = options.resume === undefined;
  return {
    async supply(batchSize, signal) {
      if (!resumed && options.resume) {
        resumed = true;
        try {
          options.resume.handled.resumeFrom(await options.resume.load());
        } catch (error) {
          // Telegram's own bookkeeping still applies: at worst the last batch is handled again.
          options.resume.onError(error);
        }
      }
      for (;;) {
        try {
          const handled = options.resume?.handled;
          // With a resume store, only handled updates are confirmed to Telegram (update-offset.ts).
          const from = handled ? handled.offset() : offset;
          const answer = await bot.api.getUpdates(
            { offset: from, limit: Math.max(1, Math.min(batchSize, 100)), timeout: POLL_TIMEOUT_S, allowed_updates: [...options.allowedUpdates] },
            signal,
          );
          options.backoff.reset();
          const updates = handled ? answer.filter((u) => handled.isNew(u.update_id)) : answer;
          const last = updates.at(-1);
          if (last) offset = last.update_id + 1;
          if (handled) {
            handled.fetched(updates.map((u) => u.update_id));
            // Only updates still being handled came back (Telegram answers at once while it holds
            // any): wait for one to finish, or a short while for new ones, instead of spinning.
            if (updates.length === 0 && answer.length > 0) await handled.nextHandled(signal, IN_FLIGHT_REPOLL_MS);
          }
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
