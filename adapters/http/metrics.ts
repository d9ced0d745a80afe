/**
 * Conveyor's Prometheus metrics, in a registry of their own (never prom-client's global one, so
 * two listeners in one process, or in one test run, never share counters).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { createHistograms, type AlertSources, type MetricHistograms } from './metric-histograms.ts';

/** Counters, gauges and histograms the listener, engine, workers, bot and reconciler move. */
export interface Metrics extends MetricHistograms {
  readonly registry: Registry;
  /** Verified deliveries by `source` and `outcome` (accepted | duplicate | ignored). */
  readonly webhookDeliveries: Counter<'source' | 'outcome'>;
  /** Refused deliveries by `source` and `reason` (signature | malformed | too_large | no_delivery_id). */
  readonly webhookRejected: Counter<'source' | 'reason'>;
  /** Jobs by `state`, read at scrape time from {@link MetricsSources.jobsByState}. */
  readonly jobs: Gauge<'state'>;
  /** Inbox rows by `state`, read at scrape time from {@link MetricsSources.inboxByState}. */
  readonly inbox: Gauge<'state'>;
  /** Task transitions; `stage` (the stage entered) is optional. */
  readonly transitions: Counter<'stage'>;
  /** Telegram API calls by `method`. */
  readonly telegramSends: Counter<'method'>;
  readonly telegram429: Counter;
  readonly reconcilerUnblocked: Counter;
  /** 1 when this process leads, else 0; `holder` is the leader it last saw (ADR 0052). */
  readonly leader: Gauge<'holder'>;
  /** Live processes on the database by `role` (start | worker), read at scrape time (ADR 0055). */
  readonly workers: Gauge<'role'>;
  /** Running jobs per live process (`instance`: its id); only live processes have a series. */
  readonly workerRunningJobs: Gauge<'instance'>;
}

/** One process on the database as `/metrics` reads it. */
export interface ProcessSample {
  readonly id: string;
  readonly role: string;
  readonly runningJobs: number;
  /** Heartbeating now; a silent one (killed, not swept yet) is not counted. */
  readonly live: boolean;
}

/** Read-at-scrape sources the composition root provides (store queries). */
export interface MetricsSources extends AlertSources {
  readonly jobsByState?: () => Promise<Readonly<Record<string, number>>>;
  readonly inboxByState?: () => Promise<Readonly<Record<string, number>>>;
  /** Whether this process leads and who does, read at scrape time. */
  readonly leader?: () => { readonly leading: boolean; readonly holder: string | null };
  /** The processes on the database (instance rows), read at scrape time. */
  readonly processes?: () => Promise<readonly ProcessSample[]>;
  /** Node's process metrics (CPU, memory, event loop, GC); on unless false. */
  readonly processMetrics?: boolean;
}

/** Create a fresh registry with every Conveyor metric in it. */
export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    ...createHistograms(registry, sources, sources.processMetrics ?? true),
    webhookDeliveries: new Counter({
      name: 'conveyor_webhook_deliveries_total',
      help: 'Verified webhook deliveries by source and outcome.',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    webhookRejected: new Counter({
      name: 'conveyor_webhook_rejected_total',
      help: 'Refused webhook deliveries by source and reason.',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
    jobs: stateGauge('conveyor_jobs', 'Jobs by state.', sources.jobsByState, registers),
    inbox: stateGauge('conveyor_inbox', 'Inbox deliveries by state.', sources.inboxByState, registers),
    transitions: new Counter({
      name: 'conveyor_transitions_total',
      help: 'Task stage transitions.',
      labelNames: ['stage'] as const,
      registers,
    }),
    telegramSends: new Counter({
      name: 'conveyor_telegram_sends_total',
      help: 'Telegram Bot API calls by method.',
      labelNames: ['method'] as const,
      registers,
    }),
    telegram429: new Counter({ name: 'conveyor_telegram_429_total', help: 'Telegram 429 (rate limited) answers.', registers }),
    reconcilerUnblocked: new Counter({
      name: 'conveyor_reconciler_unblocked_total',
      help: 'Tasks the reconciler moved on after a lost event.',
      registers,
    }),
    leader: new Gauge({
      name: 'conveyor_leader',
      help: 'Whether this process holds the leader lease (1) or not (0); holder: the leader it last saw.',
      labelNames: ['holder'] as const,
      registers,
      collect() {
        if (!sources.leader) return;
        const { leading, holder } = sources.leader();
        this.reset();
        this.set({ holder: holder ?? '' }, leading ? 1 : 0);
      },
    }),
    ...processGauges(sources.processes, registers),
  };
}

/** `conveyor_workers{role}` and `conveyor_worker_running_jobs{instance}`; series of gone processes are dropped. */
function processGauges(read: MetricsSources['processes'], registers: Registry[]): Pick<Metrics, 'workers' | 'workerRunningJobs'> {
  const sample = async (): Promise<readonly ProcessSample[] | null> => {
    if (!read) return null;
    try {
      return await read();
    } catch {
      // A failing source must not break the whole scrape; the gauges keep their last values.
      return null;
    }
  };
  return {
    workers: new Gauge({
      name: 'conveyor_workers',
      help: 'Live Conveyor processes on the database by role (start, worker).',
      labelNames: ['role'] as const,
      registers,
      async collect() {
        const processes = await sample();
        if (!processes) return;
        this.reset();
        const counts: Record<string, number> = { start: 0, worker: 0 };
        for (const p of processes) if (p.live) counts[p.role] = (counts[p.role] ?? 0) + 1;
        for (const [role, n] of Object.entries(counts)) this.set({ role }, n);
      },
    }),
    workerRunningJobs: new Gauge({
      name: 'conveyor_worker_running_jobs',
      help: 'Jobs each live Conveyor process is running (instance: its id).',
      labelNames: ['instance'] as const,
      registers,
      async collect() {
        const processes = await sample();
        if (!processes) return;
        this.reset();
        for (const p of processes) if (p.live) this.set({ instance: p.id }, p.runningJobs);
      },
    }),
  };
}

function stateGauge(
  name: string,
  help: string,
  read: (() => Promise<Readonly<Record<string, number>>>) | undefined,
  registers: Registry[],
): Gauge<'state'> {
  return new Gauge({
    name,
    help,
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!read) return;
      let counts: Readonly<Record<string, number>>;
      try {
        counts = await read();
      } catch {
        // A failing source must not break the whole scrape; the gauge keeps its last values.
        return;
      }
      this.reset();
      for (const [state, value] of Object.entries(counts)) this.set({ state }, value);
    },
  });
}
