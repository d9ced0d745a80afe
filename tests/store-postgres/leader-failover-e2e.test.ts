/**
 * Leader failover end to end (issue 12 "Many processes"): two real `conveyor start` processes on
 * one private PostgreSQL, polling one Telegram sandbox, leader TTL 3 s, no job runners (so every
 * message in the chat comes from a chat update or the outbox). Tasks are requested in the chat, so
 * and work items arrive as signed Plane webhooks (on either listener), so the outbox has cards to
 * send; the leader is SIGKILLed while they are still being sent. The other
 * `start` leads within the TTL plus a margin, every outbox row is delivered, and every chat update
 * posted before, during (no leader) and after the kill is answered exactly once: polling resumed
 * from the point kept in the store. A first card whose send was in flight at the kill may exist
 * twice, as ADR 0022 allows (one stale, silent copy, and the new leader logs that a duplicate card
 * may exist); the test allows that for that one task only and checks the warning.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import type { StartedConveyor } from '../support/start-process.ts';
import { planeHeaders, SECRET } from '../http/webhook-harness.ts';
import { fixtureText, IDS } from '../inbound/inbound-harness.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { pgStarts } from '../support/pg-starts.ts';

const ALICE = { id: 111, first_name: 'Alice' };
/** Alice's private chat with the bot is the project's chat: one send per second, no group budget. */
const CHAT = ALICE.id;
const TTL_S = 3;

interface Leadership {
  leader?: boolean;
  leaderHolder?: string | null;
}

describePostgres('leader failover with real starts on PostgreSQL', (binDir) => {
  const processes = pgStarts(binDir, {
    name: 'failover',
    token: '424242:pg-failover-token-abcdefghijklmn',
    chat: { id: CHAT, type: 'private', title: 'Alice' },
    projects: (dir) => ({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'none.git'), chatId: CHAT, approvers: [ALICE.id], plane: { projectId: IDS.project_id }, agents: { default: 'true' } }] }),
    env: { ORCH_LEADER_TTL_S: String(TTL_S), ORCH_WORKER_KINDS: 'none', PLANE_WEBHOOK_SECRET: SECRET },
  });
  let db: pg.Client;
  afterAll(async () => {
    await db?.end();
  });
  const leadership = async (s: StartedConveyor): Promise<Leadership | null> => (await s.health()).body as Leadership | null;
  const botMessages = async (): Promise<SandboxMessage[]> => ((await processes.sandbox().chat(CHAT))?.messages ?? []).filter((m) => m.from.is_bot);
  const count = (messages: SandboxMessage[], text: string) => messages.filter((m) => m.plain.includes(text)).length;
  const post = async (text: string) => await processes.sandbox().postMessage({ chatId: CHAT, chatType: 'private', from: ALICE, text });
  /** The resume point the leader keeps (bot/telegram/stored-update-offset.ts). */
  const storedOffset = async (): Promise<number> => {
    const row = await db.query<{ value: string }>(`SELECT value FROM kv WHERE key = 'telegram:poll'`);
    return row.rows[0] ? (JSON.parse(row.rows[0].value) as { offset: number }).offset : 0;
  };

  it('SIGKILL the leader mid-outbox: the other leads within the TTL, the outbox delivers everything, each update is answered once', async () => {
    const a = await processes.start('a');
    const b = await processes.start('b');
    db = new pg.Client({ connectionString: processes.url() });
    await db.connect();
    let views: (Leadership | null)[] = [];
    await waitFor(
      async () => {
        views = await Promise.all([a, b].map(leadership));
        return views.filter((v) => v?.leader === true).length === 1;
      },
      20_000,
      () => `no single leader: ${JSON.stringify(views)}\n${a.output()}\n${b.output()}`,
    );
    const leader = views[0]?.leader === true ? a : b;
    const follower = leader === a ? b : a;

    // Before the kill: three tasks requested in the chat (a "created" reply each, and a card), then
    // six work items from Plane through the follower's listener: their cards are still in the
    // outbox (one send per second) when the leader dies.
    const titles = ['parcel-alpha', 'parcel-bravo', 'parcel-charlie'];
    let last = 0;
    for (const title of titles) last = (await post(`/new SHOP ${title}`)).updateId;
    await waitFor(async () => count(await botMessages(), 'created; its card follows') === titles.length, 30_000, () => leader.output());
    // Every update was handled and the point after them is stored: nothing is ambiguous at the kill.
    await waitFor(async () => (await storedOffset()) > last, 10_000, () => `offset not stored:\n${leader.output()}`);
    const items = [101, 102, 103, 104, 105, 106].map((n) => `Work item ${n}`);
    for (const [i, name] of items.entries()) {
      const body = fixtureText('plane-issue-created', (b) => {
        b.data.id = randomUUID();
        b.data.sequence_id = 101 + i;
        b.data.name = name;
      });
      const answer = await fetch(`${follower.url}/webhooks/plane`, { method: 'POST', body, headers: planeHeaders(body, randomUUID()) });
      expect(answer.status).toBe(200);
    }
    const taskCount = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tasks`)).rows[0]?.n);
    await waitFor(async () => (await taskCount()) === titles.length + items.length, 20_000, () => follower.output());
    const pendingAtKill = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE state = 'pending'`)).rows[0]?.n);

    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    // Sends the dead leader had started but not confirmed (ADR 0022); nobody leads yet to add any.
    const inFlight = (await db.query<{ task_id: string }>(`SELECT task_id FROM outbox WHERE state = 'pending' AND send_started_at IS NOT NULL`)).rows.map((r) => r.task_id);

    // During: updates posted while nobody leads (one more task, two status questions).
    const during = ['/status NOPE-D1', '/status NOPE-D2', '/new SHOP parcel-echo'];
    for (const text of during) await post(text);

    let ledAt = 0;
    await waitFor(
      async () => {
        if ((await leadership(follower))?.leader !== true) return false;
        ledAt = Date.now();
        return true;
      },
      4 * TTL_S * 1000,
      () => `the follower never led:\n${follower.output()}`,
    );
    const failoverMs = ledAt - killedAt;
    // The lease expires at most a TTL after the dead leader's last renewal; the follower tries every TTL/3.
    expect(failoverMs).toBeLessThanOrEqual(TTL_S * 1000 + (TTL_S * 1000) / 3 + 1500);

    // After: more updates to the new leader.
    for (const text of ['/status NOPE-A1', '/new SHOP parcel-foxtrot', '/status NOPE-A2']) await post(text);
    const requested = [...titles, 'parcel-echo', 'parcel-foxtrot'];
    const allTitles = [...requested, ...items];
    const statusIds = ['NOPE-D1', 'NOPE-D2', 'NOPE-A1', 'NOPE-A2'];
    const settled = async () => {
      const messages = await botMessages();
      const outbox = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE state <> 'done'`);
      return (
        Number(outbox.rows[0]?.n) === 0 &&
        allTitles.every((t) => count(messages, t) >= 1) &&
        statusIds.every((id) => count(messages, `No task ${id} in this chat`) >= 1) &&
        count(messages, 'created; its card follows') >= requested.length
      );
    };
    await waitFor(settled, 60_000, () => `not everything arrived:\n${follower.output()}`);
    // Anything doubled would have arrived by now too (sends are about a second apart).
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const messages = await botMessages();
    for (const id of statusIds) expect(count(messages, `No task ${id} in this chat`), id).toBe(1);
    // One "created" reply per /new, each naming a different task.
    const created = messages.map((m) => /(SHOP-\d+) created; its card follows/.exec(m.plain)?.[1]).filter((id) => id !== undefined);
    expect(created).toHaveLength(requested.length);
    expect(new Set(created).size).toBe(requested.length);
    const tasks = await db.query<{ id: string; title: string }>(`SELECT id, title FROM tasks ORDER BY id`);
    expect(tasks.rows.map((r) => r.title).sort()).toEqual([...allTitles].sort());
    const outboxRows = await db.query<{ state: string }>(`SELECT state FROM outbox`);
    expect(outboxRows.rows.every((r) => r.state === 'done')).toBe(true);
    const doubled: string[] = [];
    for (const title of allTitles) {
      const cards = count(messages, title);
      if (cards === 1) continue;
      const task = tasks.rows.find((r) => r.title === title)!.id;
      // ADR 0022: only a first card whose send had started when the leader died may exist twice.
      expect(cards, title).toBe(2);
      expect(inFlight, title).toContain(task);
      doubled.push(task);
    }
    if (doubled.length > 0) expect(follower.output()).toMatch(/duplicate card may exist/);
    console.log(
      `[figure] leader SIGKILLed with ${pendingAtKill} outbox row(s) pending: new leader after ${failoverMs} ms (TTL ${TTL_S} s); ` +
        `${outboxRows.rows.length} outbox rows delivered; ${statusIds.length} status answers once each; duplicated first cards: ${doubled.length}`,
    );
    expect(pendingAtKill).toBeGreaterThanOrEqual(items.length / 2);
    expect(await follower.stop()).toBe(0);
  }, 150_000);
});
