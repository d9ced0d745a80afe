/**
 * The histograms move with the real app: a task driven through the bot (Telegram stand-in, real
 * agents, real git) to delivered observes stage durations, agent runs by role, outbox lag and
 * Telegram call latency; a Plane webhook observes accepted-to-processed latency; the alerting
 * gauges read the store at scrape time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from './webhook-harness.ts';
import { startWebhookApp, type WebhookApp } from '../inbound/inbound-harness.ts';
import {
  ALICE,
  approvalMessage,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let bot: BotHarness | null = null;
let hooks: WebhookApp | null = null;
afterEach(async () => {
  await bot?.close();
  await hooks?.close();
  bot = hooks = null;
});

/** The value of one series line (`name{labels} value`), or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe('histograms', () => {
  it('observe stages, agent runs, outbox lag and Telegram latency as a task is delivered', async () => {
    const h = (bot = await startBotHarness());
    await h.start();
    await h.say(ALICE, '/new SHOP Wishlist');
    await pressButton(h, ALICE, (await approvalMessage(h, 'SHOP-1')).messageId, 'Approve');
    await h.waitFor(async () => (await h.task('SHOP-1'))?.stage === 'done', 'SHOP-1 delivered', 30_000);
    await h.waitFor(async () => (await h.app.drain.drainOnce()) === 0, 'the outbox drained');
    const text = await h.app.metrics.registry.metrics();
    expect(sample(text, 'conveyor_stage_duration_seconds_count{stage="analysis"}')).toBe(1);
    expect(sample(text, 'conveyor_stage_duration_seconds_count{stage="development"}')).toBe(1);
    expect(sample(text, 'conveyor_stage_duration_seconds_bucket{le="+Inf",stage="analysis"}')).toBe(1);
    expect(
      sample(text, 'conveyor_agent_run_duration_seconds_count{role="analyst",outcome="succeeded"}'),
    ).toBe(1);
    expect(
      sample(text, 'conveyor_agent_run_duration_seconds_count{role="developer",outcome="succeeded"}'),
    ).toBe(1);
    expect(sample(text, 'conveyor_outbox_lag_seconds_count{kind="approval-request"}')).toBe(1);
    expect(sample(text, 'conveyor_outbox_lag_seconds_count{kind="card"}')).toBeGreaterThan(0);
    expect(
      sample(text, 'conveyor_telegram_request_duration_seconds_count{method="sendMessage"}'),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'conveyor_telegram_request_duration_seconds_sum{method="sendMessage"}'),
    ).toBeGreaterThan(0);
    expect(text).not.toContain('method="getUpdates"');
    expect(sample(text, 'conveyor_outbox_oldest_pending_seconds')).toBe(0);
    expect(sample(text, 'conveyor_tasks_escalated')).toBe(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('observe webhook accepted-to-processed latency; the gauges read escalations and the oldest pending message', async () => {
    const w = (hooks = await startWebhookApp());
    const { text: body, headers } = fixture('plane-issue-created');
    expect((await w.post('/webhooks/plane', body, headers)).status).toBe(200);
    await w.drained();
    w.app.store.sqlite.prepare(`UPDATE tasks SET escalated = 1`).run();
    w.app.store.sqlite
      .prepare(
        `INSERT INTO outbox (kind, task_id, payload, state, available_at, created_at, attempts) VALUES ('notice', 'X-1', '{}', 'pending', 0, ?, 0)`,
      )
      .run(Date.now() - 120_000);
    const text = await (await fetch(`${w.url}/metrics`)).text();
    expect(sample(text, 'conveyor_webhook_processing_lag_seconds_count{source="plane"}')).toBe(1);
    expect(sample(text, 'conveyor_tasks_escalated')).toBe(1);
    expect(sample(text, 'conveyor_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(119);
  });
});
