/**
 * Two listeners, one delivery (issue 12 "Many processes"): two real `conveyor start` processes on
 * one private PostgreSQL, as behind a load balancer. The same signed Plane delivery (a new work
 * item each round) is posted to both listeners at once, several times each, for many rounds: every
 * answer is 2xx, exactly one of them says `accepted`, the inbox holds one row per delivery id, and
 * each work item became one task with one transition and one analyst job.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { planeHeaders, SECRET } from '../http/webhook-harness.ts';
import { fixtureText, IDS } from '../inbound/inbound-harness.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { pgStarts } from '../support/pg-starts.ts';

const CHAT = -1001234509877;
const ROUNDS = 12;
/** Sends of one delivery to each listener per round. */
const EACH = 3;

describePostgres('two listeners on PostgreSQL', (binDir) => {
  const processes = pgStarts(binDir, {
    name: 'listeners',
    token: '424242:pg-listeners-token-abcdefghijklm',
    chat: { id: CHAT, type: 'supergroup', title: 'Shop' },
    projects: (dir) => ({
      projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'none.git'), chatId: CHAT, approvers: [111], plane: { projectId: IDS.project_id }, agents: { default: 'true' } }],
    }),
    env: { ORCH_WORKER_KINDS: 'none', PLANE_WEBHOOK_SECRET: SECRET },
  });

  it('the same delivery posted concurrently to both listeners: one inbox row, one task, one transition, one job', async () => {
    const listeners = [await processes.start('a'), await processes.start('b')];
    const deliveries: { id: string; task: string }[] = [];
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sequence = 100 + round;
      const body = fixtureText('plane-issue-created', (b) => {
        b.data.id = randomUUID();
        b.data.sequence_id = sequence;
        b.data.name = `Work item ${sequence}`;
      });
      const id = randomUUID();
      const headers = planeHeaders(body, id);
      const answers = await Promise.all(
        listeners.flatMap((l) =>
          Array.from({ length: EACH }, async () => {
            const response = await fetch(`${l.url}/webhooks/plane`, { method: 'POST', body, headers });
            return { status: response.status, body: (await response.json()) as { status?: string } };
          }),
        ),
      );
      statuses.push(...answers.map((a) => a.status));
      expect(answers.filter((a) => a.body.status === 'accepted'), JSON.stringify(answers)).toHaveLength(1);
      deliveries.push({ id, task: `SHOP-${sequence}` });
    }
    expect(statuses.every((s) => s >= 200 && s < 300), JSON.stringify(statuses)).toBe(true);

    const db = new pg.Client({ connectionString: processes.url() });
    await db.connect();
    try {
      const number = async (sql: string, values: unknown[] = []) => Number((await db.query<{ n: string }>(sql, values)).rows[0]?.n);
      // Either process's inbox processor may take a row; wait until every row was processed.
      await waitFor(async () => (await number(`SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL`)) === 0, 30_000, () => listeners.map((l) => l.output()).join('\n'));
      for (const { id, task } of deliveries) {
        expect(await number(`SELECT count(*) AS n FROM inbox WHERE source = 'plane' AND delivery_id = $1`, [id]), id).toBe(1);
        expect(await number(`SELECT count(*) AS n FROM transitions WHERE task_id = $1`, [task]), task).toBe(1);
        expect(await number(`SELECT count(*) AS n FROM jobs WHERE task_id = $1`, [task]), task).toBe(1);
      }
      expect(await number(`SELECT count(*) AS n FROM inbox`)).toBe(ROUNDS);
      expect(await number(`SELECT count(*) AS n FROM tasks`)).toBe(ROUNDS);
      const errors = await db.query<{ delivery_id: string; attempts: number; error: string }>(`SELECT delivery_id, attempts, error FROM inbox WHERE error IS NOT NULL`);
      expect(errors.rows).toEqual([]);
      console.log(`[figure] ${ROUNDS} deliveries, each posted ${2 * EACH}× at once across two listeners: ${statuses.length} answers 2xx, ${ROUNDS} inbox rows, ${ROUNDS} tasks`);
    } finally {
      await db.end();
    }
    for (const l of listeners) {
      const code = await l.stop();
      expect(code, l.output()).toBe(0);
    }
  }, 120_000);
});
