/**
 * The composition root: the one place that knows every concrete part and wires core's ports to
 * adapters. Everything it builds is started and stopped through the returned App.
 */
import { join, resolve } from 'node:path';
import type { HealthReport } from '../adapters/http/health-route.ts';
import { createMetrics, type Metrics } from '../adapters/http/metrics.ts';
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import { Engine, randomId } from '../core/engine/engine.ts';
import { InboxProcessor, type InboxProcessorDeps } from '../core/inbound/inbox-processor.ts';
import type { InboundLookups } from '../core/inbound/inbound-lookups.ts';
import type { DeliveryMappers } from '../core/inbound/stored-delivery.ts';
import { mapGiteaDelivery } from '../adapters/gitea/gitea-facts.ts';
import { mapGithubDelivery } from '../adapters/github/github-facts.ts';
import { NO_PLANE_LINKS, type PlaneLinks } from '../adapters/plane/plane-links.ts';
import { planeDeliveryMapper } from '../adapters/plane/plane-delivery.ts';
import { OutboxDrain } from '../core/notify/outbox-drain.ts';
import { reconcilerProbes } from '../core/reconciler/probes.ts';
import type { ForgeReader } from '../core/ports/forge-reader.ts';
import type { TrackerReader } from '../core/ports/tracker-reader.ts';
import { ReconcileLoop } from '../core/reconciler/reconcile-loop.ts';
import { Reconciler } from '../core/reconciler/reconciler.ts';
import { systemClock, type Clock } from '../core/ports/clock.ts';
import type { ForgePort } from '../core/ports/forge.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { NotifierPort } from '../core/ports/notifier.ts';
import type { TrackerPort } from '../core/ports/tracker.ts';
import type { StagingRunnerPort } from '../core/staging/staging-types.ts';
import type { JobQueue } from '../core/queue/job-queue.ts';
import type { WorkerPool } from '../core/queue/worker-pool.ts';
import { buildWorkerPools } from './worker-pools.ts';
import { processSamples } from './process-samples.ts';
import { countByState as countInbox } from '../core/store/inbox-repo.ts';
import { syncProjects } from '../core/store/project-repo.ts';
import { alertSources, countTransitions, databaseReachable, observeStageDurations } from './observability.ts';
import { protectDatabase } from './private-files.ts';
import type { ProcessProbe } from '../core/ports/process-probe.ts';
import { takeInstance } from './instance.ts';
import { describeError } from '../core/errors.ts';
import { LeaderLoop } from '../core/leader/leader-loop.ts';
import { forgetStaleLeader, leaderLeaseOf, openConfiguredStore, type AppStore } from './open-store.ts';

export interface AppOptions {
  readonly config: Config;
  readonly projects: readonly ProjectConfig[];
  readonly logger: Logger;
  /** The environment agents inherit (minus Conveyor's own variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Builds the notifier once the core exists (console, or the Telegram bot). */
  readonly notifier: (parts: CoreParts) => NotifierPort;
  readonly tracker?: TrackerPort | null;
  readonly forge?: ForgePort | null;
  /**
   * Runs the deploy-staging stage. Absent: the staging run over the Docker engine at DOCKER_HOST
   * when a project lists deploy-staging; null: none (staging escalates).
   */
  readonly staging?: StagingRunnerPort | null;
  /** What the inbox processor may ask Plane and Gitea (built by app/integrations.ts). */
  readonly inbound?: {
    readonly lookups?: InboundLookups;
    readonly planeLinks?: PlaneLinks;
    /** Payload mappers beyond the built-in ones (Gitea, GitHub, Plane), by webhook source. */
    readonly mappers?: DeliveryMappers;
    /** Told what each processed webhook delivery came to (the demo prints it). */
    readonly onProcessed?: InboxProcessorDeps['onProcessed'];
  };
  /** What the reconciler may read from Plane and Gitea (built by app/integrations.ts). */
  readonly readers?: { readonly tracker: TrackerReader | null; readonly forge: ForgeReader | null };
  readonly clock?: Clock;
  /** Worker poll interval; the demo and tests use a short one. */
  readonly pollMs?: number;
  readonly leaseMs?: number;
  /** Pause between production health probes (tests shorten it); design §10's default otherwise. */
  readonly deployHealthIntervalMs?: number;
  /** Tells a live instance from a dead one (the instance lock, fast reclaim); /proc by default. */
  readonly processProbe?: ProcessProbe;
}

/** How long a stopping leader keeps delivering the outbox (ADR 0057). */
export const SHUTDOWN_FLUSH_MS = 5_000;

/** What the notifier (and the bot behind it) is built from. */
export interface CoreParts {
  readonly store: AppStore;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly reconciler: Reconciler;
  /** Counters the bot moves (Telegram sends and 429s). */
  readonly metrics: Metrics;
  /** The tracker, when configured (`/new` creates the issue there first). */
  readonly tracker: TrackerPort | null;
}

export interface App {
  readonly store: AppStore;
  readonly engine: Engine;
  readonly queue: JobQueue;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly drain: OutboxDrain;
  readonly pools: readonly WorkerPool[];
  readonly reconciler: Reconciler;
  /** Drains verified webhook deliveries into the engine; the listener wakes it. */
  readonly inbox: InboxProcessor;
  /** Prometheus metrics: jobs and inbox by state (read at scrape), transitions, reconciler unblocks. */
  readonly metrics: Metrics;
  /**
   * The leader lease (ADR 0052): the outbox drain and the reconciler run only while this process
   * leads; `conveyor start` hangs Telegram on it too. On SQLite the single `start` leads.
   */
  readonly leader: LeaderLoop;
  /** Database reachable, workers and inbox processor running. */
  health(): Promise<HealthReport>;
  start(): void;
  /** Stop claiming, let running jobs finish (or release them after `graceMs`), flush, close. */
  stop(graceMs: number): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const opened = await openConfiguredStore(config, logger);
  const store: AppStore = opened.store;
  if (opened.dialect === 'sqlite') protectDatabase(config.dbPath, config.workdir);
  // Before anything else writes: a second live instance of this database is refused here.
  const { id: instanceId, heartbeat } = await takeInstance(store, { config, logger, clock, ...(options.processProbe ? { probe: options.processProbe } : {}) });
  // SQLite: the instance lock makes this the only live `start` on the file, so a leader row left is
  // a dead one's. PostgreSQL: several `start`s share the database; the row may be a live leader's.
  await forgetStaleLeader(opened);
  await syncProjects(store, options.projects, clock.now());
  const projects = new Map(options.projects.map((p) => [p.id, p]));
  const queue = store.queue;
  const leader = new LeaderLoop({ lease: leaderLeaseOf(opened, clock), holder: instanceId, ttlMs: config.leaderTtlS * 1000, clock, logger: logger.child({ part: 'leader' }) });
  const metrics = createMetrics({
    jobsByState: async () => await queue.countByState(),
    inboxByState: async () => ({ ...(await countInbox(store)) }),
    leader: () => ({ leading: leader.isLeading(), holder: leader.holder() }),
    processes: () => processSamples(store, clock.now()),
    ...alertSources(store, () => clock.now()),
  });
  const tracker = options.tracker ?? null;
  const forge = options.forge ?? null;
  const engine = new Engine(
    store,
    {
      queue,
      projects,
      maxDeveloperRetries: config.maxDeveloperRetries,
      trackerEnabled: tracker !== null,
      forgeEnabled: forge !== null,
      newId: randomId,
      logger: logger.child({ part: 'engine' }),
    },
    clock,
  );
  const workdir = resolve(config.workdir);
  const pollMs = options.pollMs ?? 1000;
  // The same handlers `conveyor worker` runs, cut to ORCH_WORKER_KINDS (ADR 0055; `none`: no pools).
  const pools = buildWorkerPools({
    config,
    projects: options.projects,
    store,
    queue,
    engine,
    owner: instanceId,
    env: options.env,
    tracker,
    forge,
    ...(options.staging !== undefined ? { staging: options.staging } : {}),
    ...(options.deployHealthIntervalMs !== undefined ? { deployHealthIntervalMs: options.deployHealthIntervalMs } : {}),
    pollMs,
    leaseMs: options.leaseMs ?? 60_000,
    clock,
    logger,
    onRun: (job, outcome, ms) => {
      if (job.kind === 'agent') metrics.agentRunDuration.observe({ role: String(job.payload.role), outcome }, ms / 1000);
    },
  });
  const reconciler = new Reconciler({
    store,
    engine,
    clock,
    logger: logger.child({ part: 'reconciler' }),
    probes: reconcilerProbes({
      store,
      projects,
      trackerReader: options.readers?.tracker ?? null,
      forgeReader: options.readers?.forge ?? null,
      reconcile: config.reconcile,
    }),
    onUnblock: () => metrics.reconcilerUnblocked.inc(),
    query: {
      graceMs: Object.fromEntries(Object.entries(config.reconcile.graceByStage).map(([stage, s]) => [stage, s * 1000])),
      defaultGraceMs: config.reconcile.graceS * 1000,
      skipBlocked: config.reconcile.skipBlockedEnabled,
      pageSize: 200,
    },
  });
  const loop = config.reconcile.enabled ? new ReconcileLoop(reconciler, config.reconcile.intervalS * 1000, logger.child({ part: 'reconciler' })) : null;
  const notifier = options.notifier({ store, queue, engine, projects, reconciler, metrics, tracker });
  const drain = new OutboxDrain(
    { store, notifier, clock, logger: logger.child({ part: 'outbox' }), onDelivered: (kind, lagMs) => metrics.outboxLag.observe({ kind }, lagMs / 1000) },
    Math.min(500, pollMs),
  );
  engine.onHandled(() => drain.wake());
  // The singletons: only the leader delivers the outbox and reconciles (nothing doubled across `start`s).
  leader.onGained(() => {
    drain.start();
    loop?.start();
  });
  leader.onLost(async () => {
    await loop?.stop();
    await drain.stop();
  });
  // A released merge lease makes waiting merge-phase jobs due now (an update, not an enqueue): wake the pools.
  engine.onHandled(() => pools.forEach((pool) => pool.wake()));
  countTransitions(engine, store, metrics);
  await observeStageDurations(engine, store, metrics);
  const inboxProcessor = new InboxProcessor(
    {
      store,
      engine,
      projects,
      clock,
      logger: logger.child({ part: 'inbox' }),
      ...(options.inbound?.lookups ? { lookups: options.inbound.lookups } : {}),
      // Each forge's and tracker's payload mapper lives in its adapter; the composition root registers them.
      mappers: { gitea: mapGiteaDelivery, github: mapGithubDelivery, plane: planeDeliveryMapper(options.inbound?.planeLinks ?? NO_PLANE_LINKS), ...options.inbound?.mappers },
      onProcessed: (row, result) => {
        metrics.webhookLag.observe({ source: row.source }, Math.max(0, clock.now() - row.receivedAt) / 1000);
        options.inbound?.onProcessed?.(row, result);
      },
    },
    Math.min(1000, pollMs),
  );
  let running = false;

  return {
    store,
    engine,
    queue,
    projects,
    drain,
    pools,
    reconciler,
    inbox: inboxProcessor,
    metrics,
    leader,
    async health() {
      const checks: Record<string, boolean | string> = { database: await databaseReachable(store), workers: running, inbox: inboxProcessor.alive(clock.now()) };
      return { ok: Object.values(checks).every((v) => v === true), checks, details: { leader: leader.isLeading(), leaderHolder: leader.holder() } };
    },
    start() {
      running = true;
      heartbeat.start();
      for (const pool of pools) pool.start();
      inboxProcessor.start();
      // The outbox drain and the reconciler start when this process leads (onGained above).
      leader.start().catch((error: unknown) => logger.error({ error: describeError(error) }, 'taking the leader lease failed'));
      logger.info({ instance: instanceId, db: opened.where, workdir: join(workdir), projects: [...projects.keys()] }, 'conveyor started');
    },
    async stop(graceMs) {
      running = false;
      await loop?.stop();
      await inboxProcessor.stop();
      await Promise.all(pools.map((p) => p.stop(graceMs)));
      // Flush only while leading: a follower's flush could deliver what the leader is delivering.
      // Bounded: what still waits for Telegram's rate limit goes out after the next start (ADR 0057).
      if (leader.isLeading()) await drain.flush(SHUTDOWN_FLUSH_MS).catch(() => 0);
      await leader.stop();
      await drain.stop();
      await heartbeat.stop();
      await store.close();
      logger.info({}, 'conveyor stopped');
    },
  };
}

