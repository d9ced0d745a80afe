/**
 * Running the bot: long polling through @grammyjs/runner (updates sequentialised per chat,
 * graceful stop), or webhook mode (the listener mounts `webhookHandler`; Telegram is told the
 * URL and secret token at start).
 */
import { run, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback, type Bot } from 'grammy';
import type { Config } from '../../core/config/config.ts';
import type { BotContext } from './bot-context.ts';
import { commandMenu } from './commands.ts';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

export interface BotRuntime {
  /** For webhook mode: the handler the listener mounts at TELEGRAM_WEBHOOK_PATH. */
  readonly webhookHandler: ((c: unknown) => Promise<Response>) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function botRuntime(bot: Bot<BotContext>, config: Config): BotRuntime {
  let runner: RunnerHandle | null = null;
  const webhook = config.telegram.mode === 'webhook';
  const secretToken = config.telegram.webhookSecret ?? undefined;
  return {
    webhookHandler: webhook ? (webhookCallback(bot, 'hono', { secretToken }) as (c: unknown) => Promise<Response>) : null,
    async start() {
      await bot.init();
      await bot.api.setMyCommands(commandMenu(config.locale));
      if (webhook) {
        await bot.api.setWebhook(`${config.publicUrl ?? ''}${TELEGRAM_WEBHOOK_PATH}`, { ...(secretToken ? { secret_token: secretToken } : {}), allowed_updates: ['message', 'callback_query'] });
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] } } });
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
