/**
 * `conveyor start`: the long-running process. The bot, HTTP listener (webhooks, health, metrics),
 * inbox processor, workers, outbox notifier and reconciler run in one process; SIGTERM/SIGINT stop
 * the bot and the listener (in-flight requests finish; committed deliveries are processed after a
 * restart), then claiming: running jobs finish or release their leases, the outbox is flushed and
 * the database closed.
 */
import { serveListener } from '../adapters/http/serve.ts';
import { createLogger } from '../adapters/log/pino-logger.ts';
import { secretsOf } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { systemClock } from '../core/ports/clock.ts';
import { createApp } from './compose.ts';
import { buildIntegrations, buildListener, countTelegramCalls } from './integrations.ts';
import { loadProjects } from './load-projects.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { canSwitchUser, isolationProblems, isolationWarnings } from './agent-isolation.ts';
import { protectOwnFile } from './private-files.ts';
import { buildTelegram, type TelegramSide } from './telegram.ts';

const SHUTDOWN_GRACE_MS = 30_000;

export async function runStart(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadConfigFromEnv(env);
  if (config.telegram.botToken === null) throw new ConfigError(['TELEGRAM_BOT_TOKEN: required by `conveyor start` (the offline demo needs none: npm run demo)']);
  const projects = loadProjects(config);
  if (projects.type === 'invalid') throw new ConfigError(projects.problems);
  const isolation = isolationProblems(projects.projects, canSwitchUser());
  if (isolation.length > 0) throw new ConfigError(isolation);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  for (const warning of isolationWarnings(projects.projects)) logger.warn({}, warning);
  protectOwnFile('.env');
  const integrations = buildIntegrations(config, projects.projects);
  let telegram: TelegramSide | null = null;
  const app = createApp({
    config,
    projects: projects.projects,
    logger,
    env,
    tracker: integrations.plane,
    forge: integrations.gitea,
    readers: integrations.readers,
    inbound: integrations.inbound,
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock, onApiCall: countTelegramCalls(parts.metrics) });
      return telegram.notifier;
    },
  });
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  // Listening first: in webhook mode Telegram must reach the route it is told about at bot start.
  const listener = await serveListener(buildListener({ app, config, logger, telegram: side.runtime }), config.http);
  logger.info({ host: config.http.host, port: listener.port, gitea: integrations.gitea !== null, plane: integrations.plane !== null }, 'listener started');
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
  await listener.close();
  await app.stop(SHUTDOWN_GRACE_MS);
  return 0;
}
