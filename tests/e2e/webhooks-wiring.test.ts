/**
 * The composition root's wiring around the listener, over a real socket: /healthz reflects the
 * database and the running workers, /metrics counts deliveries, inbox rows, jobs and transitions
 * as the composed app moves them, reconciler unblocks are counted, and Telegram calls are counted
 * by method with 429s apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { countTelegramCalls } from '../../app/integrations.ts';
import { recordStatus } from '../../core/store/ci-status-repo.ts';
import { fixture } from '../http/webhook-harness.ts';
import { A3, TASK, startWebhookApp, toAwaitingCi, type WebhookApp } from '../inbound/inbound-harness.ts';

let running: WebhookApp | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function metric(w: WebhookApp, name: string): Promise<string[]> {
  const text = await (await fetch(`${w.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('listener wiring in the composed app', () => {
  it('/healthz: 503 until the workers run, 200 with every check, 503 once the database is gone', async () => {
    const w = (running = await startWebhookApp());
    const before = await fetch(`${w.url}/healthz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ok: false, checks: { database: true, workers: false } });

    w.app.start();
    await new Promise((r) => setTimeout(r, 100));
    const healthy = await fetch(`${w.url}/healthz`);
    // The single app leads (ADR 0052): /healthz says so and names the holder (its instance id).
    expect([healthy.status, await healthy.json()]).toEqual([200, { ok: true, checks: { database: true, workers: true, inbox: true }, leader: true, leaderHolder: expect.any(String) }]);

    w.app.store.sqlite.close();
    const broken = await fetch(`${w.url}/healthz`);
    expect(broken.status).toBe(503);
    expect(((await broken.json()) as { checks: { database: unknown } }).checks.database).toMatch(/database connection is not open/);
  });

  it('/metrics: a Plane delivery is counted, stored, processed, and its transition and job show', async () => {
    const w = (running = await startWebhookApp());
    const { text, headers } = fixture('plane-issue-created');
    expect((await w.post('/webhooks/plane', text, headers)).status).toBe(200);
    await w.drained();
    await new Promise((r) => setImmediate(r));
    expect(await metric(w, 'conveyor_webhook_deliveries_total')).toEqual(['conveyor_webhook_deliveries_total{source="plane",outcome="accepted"} 1']);
    expect(await metric(w, 'conveyor_inbox{')).toEqual(['conveyor_inbox{state="pending"} 0', 'conveyor_inbox{state="retrying"} 0', 'conveyor_inbox{state="processed"} 1']);
    expect(await metric(w, 'conveyor_transitions_total{')).toEqual(['conveyor_transitions_total{stage="analysis"} 1']);
    expect(await metric(w, 'conveyor_jobs{')).toEqual(['conveyor_jobs{state="queued"} 1']);
  });

  it('counts a reconciler unblock', async () => {
    const w = (running = await startWebhookApp({ env: { ORCH_RECONCILE_GRACE_S: '0' } }));
    await toAwaitingCi(w.app, A3);
    // The side worker opened the PR already; the task has no active job left.
    w.app.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE kind = 'forge'`).run();
    // A green status that was stored but never applied (its event lost): the reconciler's case.
    await w.app.store.transaction(async (tx) => await recordStatus(tx, { repo: 'acme/shop', sha: A3, context: 'ci', state: 'success', description: '', targetUrl: null, statusId: 1, updatedAt: 0 }));
    const report = await w.app.reconciler.runPass({ dryRun: false, actor: 'test' });
    expect(report.unblocked.map((u) => u.taskId)).toEqual([TASK]);
    expect(await metric(w, 'conveyor_reconciler_unblocked_total')).toEqual(['conveyor_reconciler_unblocked_total 1']);
  });

  it('counts Telegram sends by method and 429s, not the polling itself', async () => {
    const metrics = createMetrics();
    const count = countTelegramCalls(metrics);
    count('getUpdates', 'ok');
    count('sendMessage', 'ok');
    count('editMessageText', 'rate-limited');
    count('editMessageText', 'ok');
    const text = await metrics.registry.metrics();
    expect(text).toContain('conveyor_telegram_sends_total{method="sendMessage"} 1');
    expect(text).toContain('conveyor_telegram_sends_total{method="editMessageText"} 2');
    expect(text).not.toContain('method="getUpdates"');
    expect(text).toContain('conveyor_telegram_429_total 1');
  });
});
