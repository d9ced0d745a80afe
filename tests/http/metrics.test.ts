import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { countByState } from '../../core/store/inbox-repo.ts';
import { fixture, makeListener, post } from './webhook-harness.ts';

describe('metrics', () => {
  it('each registry is its own: two listeners never share counters', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.telegram429.inc();
    a.telegramSends.inc({ method: 'editMessageText' });
    a.transitions.inc({ stage: 'development' });
    a.reconcilerUnblocked.inc(2);
    const textA = await a.registry.metrics();
    expect(textA).toContain('conveyor_telegram_429_total 1');
    expect(textA).toContain('conveyor_telegram_sends_total{method="editMessageText"} 1');
    expect(textA).toContain('conveyor_transitions_total{stage="development"} 1');
    expect(textA).toContain('conveyor_reconciler_unblocked_total 2');
    expect(await b.registry.metrics()).toContain('conveyor_telegram_429_total 0');
  });

  it('job and inbox gauges are read from their sources at scrape time', async () => {
    let jobs: Record<string, number> = { queued: 3, running: 1 };
    const ref: { store?: Parameters<typeof countByState>[0] } = {};
    const metrics = createMetrics({ jobsByState: async () => jobs, inboxByState: async () => ({ ...(await countByState(ref.store!)) }) });
    const harness = makeListener({ metrics });
    ref.store = harness.store;
    try {
      const { body, headers } = fixture('gitea-push');
      await post(harness.app, '/webhooks/gitea', body, headers);
      const first = await (await harness.app.request('/metrics')).text();
      expect(first).toContain('conveyor_jobs{state="queued"} 3');
      expect(first).toContain('conveyor_jobs{state="running"} 1');
      expect(first).toContain('conveyor_inbox{state="pending"} 1');
      jobs = { done: 7 };
      const second = await (await harness.app.request('/metrics')).text();
      expect(second).toContain('conveyor_jobs{state="done"} 7');
      expect(second).not.toContain('conveyor_jobs{state="queued"}');
    } finally {
      harness.cleanup();
    }
  });

  it('a failing source does not break the scrape', async () => {
    const metrics = createMetrics({
      jobsByState: () => {
        return Promise.reject(new Error('database is locked'));
      },
    });
    const harness = makeListener({ metrics });
    try {
      const res = await harness.app.request('/metrics');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('conveyor_webhook_deliveries_total');
    } finally {
      harness.cleanup();
    }
  });
});
