/**
 * `conveyor start`: the long-running process. The bot, HTTP listener (webhooks, health, metrics),
 * inbox processor, workers, outbox notifier and reconciler run in one process; SIGTERM/SIGINT stop
 * the bot and the listener (in-flight requests finish; committed deliveries are processed after a
 * restart), then claiming: running jobs finish or release their leases, the outbox is flushed and
 * the database closed.
 *
 * Nothing waits for Telegram: the listener, workers, inbox processor and reconciler start first and
 * the bot connects in the background (see bot/telegram/run-bot.ts). A token that Telegram refuses
 * before the bot ever connected is a configuration error: one line on stderr, exit
 * {@link EXIT_TELEGRAM_TOKEN_REFUSED}. A token refused later only makes /healthz unhealthy.
 *
 * Telegram, the outbox drain and the reconciler are singletons: they run while this process holds
 * the leader lease and stop the moment it is lost (ADR 0052); on SQLite the single start leads.
 */
import { metricsApp } from '../adapters/http/metrics-route.ts';
import { serveListener } from '../adapters/http/serve.ts';
import { createLogger } from '../adapters/log/pino-logger.ts';
import { secretsOf } from '../core/config/config.ts';
import { ConfigError, describeError, UnavailableError } from '../core/errors.ts';
import { systemClock } from '../core/ports/clock.ts';
import { createApp } from './compose.ts';
import { buildIntegrations, buildListener, countTelegramCalls } from './integrations.ts';
import { loadProjects } from './load-projects.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { describeMissing, missingAgentPrograms } from './agent-programs.ts';
import { databaseFailure, EXIT_DATABASE_UNAVAILABLE, listenFailure, StartupFailure } from './startup-failure.ts';
import { databaseWhere } from './open-store.ts';
import { canSwitchUser, isolationProblems, isolationWarnings } from './agent-isolation.ts';
import { protectOwnFile } from './private-files.ts';
import { buildTelegram, type TelegramSide } from './telegram.ts';
import { ProcessDeployHook } from '../adapters/deploy/process-deploy-hook.ts';
import { sweepOrphanedSelfDeploys } from './self-deploy-sweep.ts';
import { dashboardFor } from './dashboard.ts';
import { fourEyesPeopleWarnings } from './four-eyes-people.ts';

const SHUTDOWN_GRACE_MS = 30_000;
/** Jobs claimed in the moments before a refused token was noticed release their leases quickly. */
const REFUSED_GRACE_MS = 2_000;
/** Exit code when Telegram refuses TELEGRAM_BOT_TOKEN at start (sysexits EX_NOPERM). */
export const EXIT_TELEGRAM_TOKEN_REFUSED = 77;

export async function runStart(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const config = loadConfigFromEnv(env);
  if (config.telegram.botToken === null) throw new ConfigError(['TELEGRAM_BOT_TOKEN: required by `conveyor start` (the offline demo needs none: npm run demo)']);
  const projects = loadProjects(config);
  if (projects.type === 'invalid') throw new ConfigError(projects.problems);
  const isolation = isolationProblems(projects.projects, canSwitchUser());
  if (isolation.length > 0) throw new ConfigError(isolation);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  protectOwnFile('.env');
  const integrations = buildIntegrations(config, projects.projects);
  let telegram: TelegramSide | null = null;
  const app = await openApp({
    config,
    projects: projects.projects,
    logger,
    env,
    tracker: integrations.tracker,
    forge: integrations.forge,
    readers: integrations.readers,
    inbound: integrations.inbound,
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock, onApiCall: countTelegramCalls(parts.metrics) });
      return telegram.notifier;
    },
  });
  // After the instance lock (createApp): a refused second start says one line only.
  for (const warning of isolationWarnings(projects.projects)) logger.warn({}, warning);
  for (const warning of fourEyesPeopleWarnings(projects.projects)) logger.warn({}, warning);
  for (const missing of missingAgentPrograms(projects.projects, env.PATH ?? '')) logger.warn({ program: missing.program, usedBy: missing.usedBy }, `agent command not found: ${describeMissing(missing)}`);
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  const dashboard = dashboardFor(app, config, logger);
  // Listening first: in webhook mode Telegram must reach the route it is told about at bot start.
  const listener = await serveListener(buildListener({ app, config, logger, telegram: side.runtime, telegramHealth: () => (app.leader.isLeading() ? side.connection.health() : null), dashboard }), config.http).catch(async (error: unknown) => {
    await app.stop(REFUSED_GRACE_MS);
    throw listenFailure('ORCH_HTTP_PORT', config.http, error);
  });
  logger.info({ host: config.http.host, port: listener.port, gitea: integrations.gitea !== null, github: integrations.github !== null, plane: integrations.plane !== null }, 'listener started');
  // A separate /metrics listener (ORCH_METRICS_*); failing to bind it closes the webhook listener too.
  const metricsListener = config.metrics
    ? await serveListener(metricsApp(app.metrics), config.metrics).catch(async (error: unknown) => {
        await listener.close();
        await app.stop(REFUSED_GRACE_MS);
        throw config.metrics ? listenFailure('ORCH_METRICS_PORT', config.metrics, error) : error;
      })
    : null;
  if (config.metrics && metricsListener) logger.info({ host: config.metrics.host, port: metricsListener.port }, 'metrics listener started');
  // Self-deploy runs that no deploy job will finish (task cancelled or escalated meanwhile): said once.
  if (projects.projects.some((p) => p.deploy?.self))
    await sweepOrphanedSelfDeploys({ hooks: new ProcessDeployHook({ workDir: config.workdir, baseEnv: env }), queue: app.queue, logger }).catch((error: unknown) =>
      logger.warn({ error: describeError(error) }, 'looking for self-deploy results failed'),
    );
  // Telegram (polling, or setting the webhook) is a singleton: it runs while this process leads.
  let refused: (outcome: { type: 'refused'; reason: string }) => void = () => undefined;
  const refusal = new Promise<{ type: 'refused'; reason: string }>((resolve) => (refused = resolve));
  app.leader.onGained(() => {
    side.runtime.start().then(
      (outcome) => {
        if (outcome.type === 'refused') refused(outcome);
      },
      (error: unknown) => logger.error({ error: describeError(error) }, 'connecting to Telegram failed unexpectedly'),
    );
  });
  app.leader.onLost(() => side.runtime.stop());
  app.start();
  side.connection.onUp(() => app.drain.resume());
  const ended = await new Promise<{ type: 'signal' } | { type: 'refused'; reason: string }>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve({ type: 'signal' });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    void refusal.then(resolve);
  });
  await side.runtime.stop();
  dashboard?.close(); // open dashboard pages hold event streams the listener would wait for
  await listener.close();
  await metricsListener?.close();
  await app.stop(ended.type === 'refused' ? REFUSED_GRACE_MS : SHUTDOWN_GRACE_MS);
  if (ended.type === 'refused') {
    process.stderr.write(`conveyor: Telegram refused TELEGRAM_BOT_TOKEN (${ended.reason}); check the token\n`);
    return EXIT_TELEGRAM_TOKEN_REFUSED;
  }
  return 0;
}

/**
 * createApp, with a database that cannot be opened said as one line naming its variable:
 * ORCH_DB_PATH (SQLite), or ORCH_DATABASE_URL (PostgreSQL, redacted) when it became unreachable
 * after opening (open-store.ts says so for the open itself).
 */
async function openApp(options: Parameters<typeof createApp>[0]): Promise<ReturnType<typeof createApp>> {
  try {
    return await createApp(options);
  } catch (error) {
    const { config } = options;
    if (config.databaseUrl === null) throw databaseFailure(config.dbPath, error) ?? error;
    if (error instanceof UnavailableError)
      throw new StartupFailure(EXIT_DATABASE_UNAVAILABLE, `ORCH_DATABASE_URL: cannot reach the database ${databaseWhere(config)} (${error.message.split('\n')[0] ?? ''})`);
    throw error;
  }
}
