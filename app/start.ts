/**
 * `conveyor start`: the long-running process. Workers, the outbox notifier and (when the bot is
 * wired) Telegram run in one process; SIGTERM/SIGINT stop claiming, let running jobs finish or
 * release their leases, flush the outbox and close the database.
 */
import { createLogger } from '../adapters/log/pino-logger.ts';
import { loadConfig, secretsOf } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { systemClock } from '../core/ports/clock.ts';
import { ConsoleNotifier } from '../bot/console-notifier.ts';
import { createApp } from './compose.ts';
import { loadProjects } from './load-projects.ts';

const SHUTDOWN_GRACE_MS = 30_000;

export async function runStart(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadConfig(env);
  if (config.telegram.botToken === null) throw new ConfigError(['TELEGRAM_BOT_TOKEN: required by `conveyor start` (the offline demo needs none: npm run demo)']);
  const projects = loadProjects(config);
  if (projects.type === 'invalid') throw new ConfigError(projects.problems);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const app = createApp({
    config,
    projects: projects.projects,
    logger,
    env,
    notifier: ({ store, queue, projects: map }) =>
      new ConsoleNotifier({ store, queue, projects: map, locale: config.locale, maxRollbacks: config.maxDeveloperRetries, clock: systemClock, write: (t) => process.stdout.write(t) }),
  });
  app.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.stop(SHUTDOWN_GRACE_MS);
  return 0;
}
