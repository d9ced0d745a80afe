/**
 * `conveyor start`: the long-running process. The bot, workers, outbox notifier and reconciler
 * run in one process; SIGTERM/SIGINT stop the bot and claiming, let running jobs finish or
 * release their leases, flush the outbox and close the database.
 */
import { createLogger } from '../adapters/log/pino-logger.ts';
import { loadConfig, secretsOf } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { systemClock } from '../core/ports/clock.ts';
import { createApp } from './compose.ts';
import { loadProjects } from './load-projects.ts';
import { buildTelegram, type TelegramSide } from './telegram.ts';

const SHUTDOWN_GRACE_MS = 30_000;

export async function runStart(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadConfig(env);
  if (config.telegram.botToken === null) throw new ConfigError(['TELEGRAM_BOT_TOKEN: required by `conveyor start` (the offline demo needs none: npm run demo)']);
  const projects = loadProjects(config);
  if (projects.type === 'invalid') throw new ConfigError(projects.problems);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  let telegram: TelegramSide | null = null;
  const app = createApp({
    config,
    projects: projects.projects,
    logger,
    env,
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock });
      return telegram.notifier;
    },
  });
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  await side.runtime.start();
  app.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await side.runtime.stop();
  await app.stop(SHUTDOWN_GRACE_MS);
  return 0;
}
