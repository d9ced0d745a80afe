/**
 * Telegram card benchmark: 1,000 stage updates across 50 tasks within 10 s into one group chat,
 * delivered by the real outbox drain, notifier, card publisher and pacer over HTTP to the Bot API
 * sandbox. Telegram's limits are scaled up ×20 for the sandbox and the pacer alike (per chat 20/s,
 * per group 400/min, global 600/s), so the run is short and the shape of the limits is kept.
 *
 * An update is what the engine writes when a task moves: the task row changes (its last event, so
 * every render differs) and a `card` outbox row is added, in one transaction, at a steady
 * 100 updates/s, round-robin over the tasks. Run: `npx tsx tests/bench/telegram.bench.ts`
 * (npm run bench:telegram). The last line is one JSON object:
 * - updates: card updates written (1000);
 * - edits_sent: sendMessage + editMessageText calls the sandbox accepted for the chat (all cards);
 * - edits_minimum: the fewest sends that still deliver every card's final state: one first post per
 *   card (50) plus one more for each card whose final state differs from what its first post showed;
 * - ratio: edits_sent / edits_minimum;
 * - http_429: requests the sandbox answered 429;
 * - final_states_correct: every task has exactly one live card message, and its text equals the
 *   render of the task's final state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { findRateViolations } from '../../adapters/sandbox/telegram/rate-audit.ts';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { createApp } from '../../app/compose.ts';
import { buildTelegram, type TelegramSide } from '../../app/telegram.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { scaleLimits, TELEGRAM_LIMITS } from '../../bot/telegram/send-pacer.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { cards, tasks as taskTable } from '../../adapters/store-sqlite/schema.ts';
import { sqliteTxDb } from '../../adapters/store-sqlite/sqlite-store.ts';
import { sqliteApp } from '../support/sqlite-app.ts';

const TASKS = 50;
const UPDATES = 1000;
const WINDOW_MS = 10_000;
const FACTOR = 20;
const TOKEN = '123456789:BENCH-sandbox-token-not-a-secret';
const CHAT = -1001000200030;
const SETTLE_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const limits = scaleLimits(TELEGRAM_LIMITS, FACTOR);
  const sandbox = await startTelegramSandbox({ token: TOKEN, limits });
  await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Bench' });
  const root = mkdtempSync(join(tmpdir(), 'conveyor-telegram-bench-'));
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: sandbox.apiRoot,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_RECONCILE_ENABLED: 'false',
  });
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'bench/shop',
          cloneUrl: '/nonexistent',
          chatId: CHAT,
          approvers: [111],
          agents: { default: 'true' },
          stages: ['analysis', 'development'],
        },
      ],
    }),
    'bench',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  let side: TelegramSide | null = null;
  const app = sqliteApp(await createApp({
    config,
    projects: parsed.projects,
    logger: silentLogger,
    env: {},
    notifier: (parts) => {
      side = buildTelegram(parts, { config, logger: silentLogger, clock: systemClock, limits });
      return side.notifier;
    },
    pollMs: 100,
  }));
  if (!side) throw new Error('the Telegram side was not built');
  const { store } = app;

  try {
    // Tasks exist before the clock starts; no worker runs, so only the updates below move them.
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i += 1) {
      const outcome = await app.engine.handle({
        type: 'TaskRequested',
        key: `bench:${i}`,
        projectId: 'SHOP',
        title: `Bench task ${i + 1}`,
        source: 'chat',
        actor: 'telegram:111:Bench',
      });
      if (outcome.type !== 'created') throw new Error(`creating task ${i}: ${JSON.stringify(outcome)}`);
      ids.push(outcome.taskId);
    }
    store.sqlite.prepare(`UPDATE outbox SET state = 'done'`).run(); // the creation rows are not part of the run
    await sandbox.clearRequests();

    const render = async (id: string): Promise<string> => {
      const view = await buildCardView(store, app.queue, app.projects, id, config.maxDeveloperRetries, null);
      if (!view) throw new Error(`no card view for ${id}`);
      return renderCard(view, config.locale, systemClock.now(), 'html');
    };

    app.drain.start();
    const started = Date.now();
    for (let k = 0; k < UPDATES; k += 1) {
      const due = started + Math.floor((k * WINDOW_MS) / UPDATES);
      if (due > Date.now()) await sleep(due - Date.now());
      const id = ids[k % TASKS]!;
      const n = Math.floor(k / TASKS) + 1;
      const now = Date.now();
      await store.transaction(async (tx) => {
        sqliteTxDb(tx)
          .update(taskTable)
          .set({ lastEvent: `stage update ${n} of ${UPDATES / TASKS}`, lastEventAt: now, updatedAt: now })
          .where(eq(taskTable.id, id))
          .run();
        await addOutbox(tx, 'card', id, {}, now);
      });
    }
    const updatesMs = Date.now() - started;

    const pending = () =>
      (
        store.sqlite.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'`).get() as {
          n: number;
        }
      ).n;
    while (pending() > 0 && Date.now() - started < SETTLE_TIMEOUT_MS) await sleep(50);
    const settledMs = Date.now() - started;

    const log = await sandbox.requests();
    const accepted = log.filter(
      (r) =>
        r.status === 200 &&
        r.chatId === CHAT &&
        (r.method === 'sendMessage' || r.method === 'editMessageText'),
    );
    const messages = (await sandbox.chat(CHAT))?.messages ?? [];
    let minimum = 0;
    let correct = pending() === 0;
    for (const id of ids) {
      const mine = messages.filter((m) => m.plain.startsWith(`🧩 ${id} ·`));
      const pointed = store.readDb.select().from(cards).where(eq(cards.taskId, id)).get();
      const live = mine.find((m) => m.messageId === pointed?.messageId && !m.deleted);
      if (mine.length !== 1 || !live) {
        correct = false;
        continue;
      }
      const firstPost = live.edits[0]?.text ?? live.text;
      const final = await render(id);
      minimum += 1 + (firstPost === final ? 0 : 1);
      if (live.text !== final) correct = false;
    }
    const result = {
      updates: UPDATES,
      edits_sent: accepted.length,
      edits_minimum: minimum,
      ratio: minimum > 0 ? Math.round((accepted.length / minimum) * 100) / 100 : null,
      http_429: log.filter((r) => r.status === 429).length,
      final_states_correct: correct,
    };
    const posts = accepted.filter((r) => r.method === 'sendMessage').length;
    process.stdout.write(
      [
        `Telegram cards: ${UPDATES} updates over ${TASKS} tasks in ${(updatesMs / 1000).toFixed(2)} s into one group; limits ×${FACTOR} (per chat ${limits.perChatPerSecond}/s, per group ${limits.perGroupPerMinute}/min, global ${limits.globalPerSecond}/s)`,
        `delivered: every outbox row done ${(settledMs / 1000).toFixed(2)} s after the first update (${((settledMs - updatesMs) / 1000).toFixed(2)} s after the last)`,
        `sends: ${posts} first posts + ${accepted.length - posts} edits; rate violations in the accepted calls: ${findRateViolations(log, limits).length}`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    await app.drain.stop();
    store.close();
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
