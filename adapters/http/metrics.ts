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
}

/** Read-at-scrape sources the composition root provides (store queries). */
export interface MetricsSources extends AlertSources {
  readonly jobsByState?: () => Promise<Readonly<Record<string, number>>>;
  readonly inboxByState?: () => Promise<Readonly<Record<string, number>>>;
  /** Whether this process leads and who does, read at scrape time. */
  readonly leader?: () => { readonly leading: boolean; readonly holder: string | null };
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
