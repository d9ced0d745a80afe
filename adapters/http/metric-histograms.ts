/**
 * Latency and duration histograms (seconds), process metrics, and the read-at-scrape gauges
 * alerts need (outbox lag, escalated tasks). Kept apart from the counters in metrics.ts.
 */
import { collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

/** The histograms and alerting gauges of a registry. */
export interface MetricHistograms {
  /** Time a task spent in a stage, observed when it leaves it; `stage` is the stage left. */
  readonly stageDuration: Histogram<'stage'>;
  /** One agent run (a job of kind agent) by `role` and `outcome` (succeeded | failed). */
  readonly agentRunDuration: Histogram<'role' | 'outcome'>;
  /** From a webhook's 2xx (stored in the inbox) to the engine having processed it, by `source`. */
  readonly webhookLag: Histogram<'source'>;
  /** One Telegram Bot API call, pacing wait and retries included, by `method`. */
  readonly telegramLatency: Histogram<'method'>;
  /** From an outbox row's commit to its delivery (the message is in the chat), by `kind`. */
  readonly outboxLag: Histogram<'kind'>;
}

/** Read-at-scrape sources for the alerting gauges (store queries). */
export interface AlertSources {
  /** Age in milliseconds of the oldest undelivered outbox row, or null when none. */
  readonly oldestOutboxAgeMs?: () => Promise<number | null>;
  /** Tasks escalated and not finished. */
  readonly escalatedTasks?: () => Promise<number>;
}

export function createHistograms(
  registry: Registry,
  sources: AlertSources,
  processMetrics: boolean,
): MetricHistograms {
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });
  scrapeGauge(
    registry,
    'conveyor_outbox_oldest_pending_seconds',
    'Age of the oldest undelivered chat message (0 when none).',
    async () => ((await sources.oldestOutboxAgeMs?.()) ?? 0) / 1000,
  );
  scrapeGauge(
    registry,
    'conveyor_tasks_escalated',
    'Tasks escalated to a person and not finished.',
    async () => (await sources.escalatedTasks?.()) ?? 0,
  );
  return {
    stageDuration: new Histogram({
      name: 'conveyor_stage_duration_seconds',
      help: 'Time a task spent in a stage, by the stage it left.',
      labelNames: ['stage'] as const,
      buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 259_200],
      registers,
    }),
    agentRunDuration: new Histogram({
      name: 'conveyor_agent_run_duration_seconds',
      help: 'Agent runs by role and outcome.',
      labelNames: ['role', 'outcome'] as const,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
      registers,
    }),
    webhookLag: new Histogram({
      name: 'conveyor_webhook_processing_lag_seconds',
      help: 'From a webhook delivery accepted to its processing by the engine.',
      labelNames: ['source'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    telegramLatency: new Histogram({
      name: 'conveyor_telegram_request_duration_seconds',
      help: 'Telegram Bot API calls, pacing and retries included, by method.',
      labelNames: ['method'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    outboxLag: new Histogram({
      name: 'conveyor_outbox_lag_seconds',
      help: 'From a chat message committed to the outbox to its delivery, by kind.',
      labelNames: ['kind'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    }),
  };
}

function scrapeGauge(registry: Registry, name: string, help: string, read: () => Promise<number>): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        // A failing source must not break the whole scrape; the gauge keeps its last value.
      }
    },
  });
}
