/**
 * `conveyor worker` (ADR 0055): a process that only claims and runs jobs — agents, CI, git,
 * Docker, merge, staging and deploy — with the same handlers `start` runs, on any machine that
 * reaches the database and has its own ORCH_WORKDIR. No listener, no Telegram, no outbox drain,
 * no reconciler: a job's result goes through the engine in the job's transaction, and the leading
 * `start` delivers what it wrote to the outbox.
 *
 * Its instance row (role `worker`, its kinds) is heartbeated while it runs; a worker is never
 * refused by a live `start` and never refuses one. SIGTERM/SIGINT: stop claiming, let running
 * jobs finish (or release them after the grace), mark the row stopped, exit 0.
 */
import { createLogger } from '../adapters/log/pino-logger.ts';
import { secretsOf } from '../core/config/config.ts';
import { kindsText } from '../core/config/worker-kinds.ts';
import { Engine, randomId } from '../core/engine/engine.ts';
import { ConfigError } from '../core/errors.ts';
import { systemClock } from '../core/ports/clock.ts';
import { canSwitchUser, isolationProblems, isolationWarnings } from './agent-isolation.ts';
import { describeMissing, missingAgentPrograms } from './agent-programs.ts';
import { takeInstance } from './instance.ts';
import { buildIntegrations } from './integrations.ts';
import { loadProjects } from './load-projects.ts';
import { protectDatabase } from './private-files.ts';
import { openConfiguredStore } from './open-store.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { buildWorkerPools } from './worker-pools.ts';

const SHUTDOWN_GRACE_MS = 30_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Runs until SIGTERM/SIGINT; returns the exit code (configuration problems throw ConfigError). */
export async function runWorker(env: Env): Promise<number> {
  const config = loadConfigFromEnv(env);
  if (config.workerKinds.length === 0) throw new ConfigError(['ORCH_WORKER_KINDS: `none` leaves `conveyor worker` nothing to run; name the kinds it should claim']);
  const projects = loadProjects(config);
  if (projects.type === 'invalid') throw new ConfigError(projects.problems);
  const isolation = isolationProblems(projects.projects, canSwitchUser());
  if (isolation.length > 0) throw new ConfigError(isolation);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = systemClock;
  // PostgreSQL (ORCH_DATABASE_URL) or the SQLite file (ORCH_DB_PATH); cannot open → exit 74 naming it.
  const opened = await openConfiguredStore(config, logger);
  const store = opened.store;
  if (opened.dialect === 'sqlite') protectDatabase(config.dbPath, config.workdir);
  const { id, heartbeat } = await takeInstance(store, { config, logger, clock, role: 'worker' });
  for (const warning of isolationWarnings(projects.projects)) logger.warn({}, warning);
  for (const missing of missingAgentPrograms(projects.projects, env.PATH ?? '')) logger.warn({ program: missing.program, usedBy: missing.usedBy }, `agent command not found: ${describeMissing(missing)}`);
  const integrations = buildIntegrations(config, projects.projects);
  const queue = store.queue;
  const engine = new Engine(
    store,
    {
      queue,
      projects: new Map(projects.projects.map((p) => [p.id, p])),
      maxDeveloperRetries: config.maxDeveloperRetries,
      trackerEnabled: integrations.tracker !== null,
      forgeEnabled: integrations.forge !== null,
      newId: randomId,
      logger: logger.child({ part: 'engine' }),
    },
    clock,
  );
  const pools = buildWorkerPools({
    config,
    projects: projects.projects,
    store,
    queue,
    engine,
    owner: id,
    env,
    tracker: integrations.tracker,
    forge: integrations.forge,
    pollMs: 1000,
    leaseMs: 60_000,
    clock,
    logger,
  });
  // A released merge lease makes waiting merge-phase jobs due now: claim them without waiting a poll.
  engine.onHandled(() => pools.forEach((pool) => pool.wake()));
  heartbeat.start();
  for (const pool of pools) pool.start();
  logger.info({ instance: id, db: opened.where, workdir: config.workdir, kinds: kindsText(config.workerKinds) }, 'conveyor worker started');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'stopping');
  await Promise.all(pools.map((pool) => pool.stop(SHUTDOWN_GRACE_MS)));
  await heartbeat.stop();
  await store.close();
  logger.info({ instance: id }, 'conveyor worker stopped');
  return 0;
}
