/**
 * Stopping while the outbox waits for Telegram's rate limit (ADR 0057). A group gets about 20
 * messages a minute, so a dozen new cards take many seconds to go out. Stopping the leader does not
 * sit that out: the flush at stop ends at its time limit, every row still waiting for a slot stays
 * pending exactly as it was (no try counted, no error, no send recorded, so no false "duplicate may
 * exist" warning later), and the next start delivers the rest, each card once.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_FLUSH_MS } from '../../app/compose.ts';
import { startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TASKS = 12;

interface Row {
  readonly task_id: string;
  readonly state: string;
  readonly attempts: number;
  readonly error: string | null;
  readonly send_started_at: number | null;
}

describe('stopping with cards waiting for the rate limit', () => {
  it('ends the flush at its limit, leaves the waiting rows untouched, and the next start sends them once', async () => {
    // Twice Telegram's limits: a group takes 3 cards at once, then one every 1.65 s.
    h = await startBotHarness({ limitsFactor: 2, env: { ORCH_WORKER_KINDS: 'none' } });
    const harness = h;
    await harness.start();
    const ids: string[] = [];
    for (let n = 1; n <= TASKS; n++) {
      const outcome = await harness.app.engine.handle({ type: 'TaskRequested', key: `new:${n}`, projectId: 'SHOP', title: `Task ${n}`, source: 'chat', actor: 'telegram:111' });
      if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
      ids.push(outcome.taskId);
    }
    await harness.waitFor(async () => (await harness.cardMessages(ids[0] ?? '')).length > 0, 'the first card');

    const started = Date.now();
    await harness.stop();
    const stopMs = Date.now() - started;
    // Sending all twelve at this pace takes about 1.65 s × 9 ≈ 15 s; the stop ends after its flush limit.
    expect(stopMs).toBeLessThan(SHUTDOWN_FLUSH_MS + 3_000);

    const db = new Database(join(harness.root, 'conveyor.db'), { readonly: true });
    const rows = db.prepare("SELECT task_id, state, attempts, error, send_started_at FROM outbox WHERE kind = 'card'").all() as Row[];
    db.close();
    const waiting = rows.filter((r) => r.state === 'pending');
    const sent = new Set(rows.filter((r) => r.state === 'done').map((r) => r.task_id));
    console.log(`[figure] stop with ${TASKS} new cards in one group: ${stopMs} ms, ${sent.size} sent, ${waiting.length} left pending`);
    expect(waiting.length).toBeGreaterThan(0); // the stop did not wait for every card
    expect(waiting).toEqual(waiting.map((r) => ({ ...r, state: 'pending', attempts: 0, error: null, send_started_at: null })));
    for (const id of ids) expect((await harness.cardMessages(id)).length).toBe(sent.has(id) ? 1 : 0);

    await harness.start();
    await harness.waitFor(async () => {
      for (const id of ids) if ((await harness.cardMessages(id)).length === 0) return false;
      return true;
    }, 'every card after the restart', 30_000);
    for (const id of ids) expect(await harness.cardMessages(id), id).toHaveLength(1);
  }, 60_000);
});
