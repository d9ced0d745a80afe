/**
 * Where polling resumes (issue 12): the bot's runtime asks Telegram (the Bot API sandbox, which
 * forgets every update below a getUpdates offset, as telegram-bot-api does) only from the first
 * update not yet handled, keeps that offset in a store, and a second runtime — the next leader —
 * starts from the stored offset: an update interrupted mid-handling is handled again, one handled
 * but not yet confirmed to Telegram is not.
 */
import { Bot } from 'grammy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import type { BotContext } from '../../bot/telegram/bot-context.ts';
import { botRuntime, type BotRuntime } from '../../bot/telegram/run-bot.ts';
import { TelegramConnection } from '../../bot/telegram/telegram-connection.ts';
import { HandledUpdates, OffsetKeeper, type ResumePoint, type UpdateOffsetStore } from '../../bot/telegram/update-offset.ts';
import { POLL_POINT_KEY, storedUpdateOffset } from '../../bot/telegram/stored-update-offset.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { loadConfig } from '../../core/config/config.ts';
import { kvPut } from '../../core/store/kv-repo.ts';
import { recordingLogger } from '../http/webhook-harness.ts';

const TOKEN = '123456:polling-offset-token-abcdefghij';
const CHAT = 4242;
const ALICE = { id: 4242, is_bot: false, first_name: 'Alice' };

/** An offset store in memory that remembers every write. */
function memoryOffsets(initial: ResumePoint = { offset: 0, done: [] }): UpdateOffsetStore & { writes: ResumePoint[]; value(): ResumePoint } {
  let value = initial;
  const writes: ResumePoint[] = [];
  return {
    writes,
    value: () => value,
    load: async () => value,
    save: async (offset) => {
      writes.push(offset);
      value = offset;
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let sandbox: TelegramSandbox | null = null;
const runtimes: BotRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  await sandbox?.close();
  sandbox = null;
});

interface Leader {
  readonly handled: string[];
  /** Offsets this runtime sent with getUpdates, in order. */
  readonly polledFrom: number[];
  /** Texts whose handling waits until `release(text)`. */
  hold(text: string): void;
  release(text: string): void;
}

async function startLeader(sb: TelegramSandbox, offsets: UpdateOffsetStore): Promise<Leader> {
  const bot = new Bot<BotContext>(TOKEN, { client: { apiRoot: sb.apiRoot } });
  const handled: string[] = [];
  const polledFrom: number[] = [];
  const held = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  bot.api.config.use((prev, method, payload, signal) => {
    if (method === 'getUpdates') polledFrom.push((payload as { offset?: number }).offset ?? 0);
    return prev(method, payload, signal);
  });
  bot.on('message:text', async (ctx) => {
    const gate = held.get(ctx.message.text);
    if (gate) await gate.promise;
    handled.push(ctx.message.text);
  });
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: sb.apiRoot, ORCH_ADMIN_IDS: String(ALICE.id), ORCH_LOG_LEVEL: 'silent' });
  const logger = recordingLogger();
  const runtime = botRuntime(bot, config, { connection: new TelegramConnection(logger), logger, offsets });
  runtimes.push(runtime);
  expect(await runtime.start()).toEqual({ type: 'connected' });
  return {
    handled,
    polledFrom,
    hold(text) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      held.set(text, { promise, resolve });
    },
    release(text) {
      held.get(text)?.resolve();
    },
  };
}

const post = async (sb: TelegramSandbox, text: string): Promise<number> =>
  (await sb.postMessage({ chatId: CHAT, chatType: 'private', from: ALICE, text })).updateId;

describe('the polling offset', () => {
  it('confirms to Telegram only handled updates, keeps the first unhandled one, and a new leader resumes from it', async () => {
    sandbox = await startTelegramSandbox({ token: TOKEN });
    const offsets = memoryOffsets();
    const a = await startLeader(sandbox, offsets);
    a.hold('slow');
    const slow = await post(sandbox, 'slow');
    await until(() => a.polledFrom.length >= 2, 'the next poll after the slow update');
    const quick = await post(sandbox, 'quick');
    await until(() => a.handled.includes('quick'), 'the quick update handled');
    // The slow update is still being handled: nothing at or above it was confirmed, and the
    // kept point names it and the quick one handled above it.
    expect(a.polledFrom.every((offset) => offset <= slow)).toBe(true);
    expect(offsets.value()).toEqual({ offset: slow, done: [quick] });
    expect(a.handled).toEqual(['quick']);

    // Leader A dies mid-update: it polls no more and its handler never finishes (a SIGKILLed
    // process). B starts from the kept point: Telegram gives it both updates again; it handles the
    // interrupted one and skips the one A finished.
    const [runtimeA] = runtimes.splice(0, 1);
    const stoppingA = runtimeA?.stop();
    const b = await startLeader(sandbox, offsets);
    await until(() => b.handled.includes('slow'), 'B to handle the interrupted update');
    expect(b.polledFrom[0]).toBe(slow);
    await until(() => offsets.value().offset === quick + 1, 'the offset past both updates');
    expect(offsets.value()).toEqual({ offset: quick + 1, done: [] });
    const later = await post(sandbox, 'later');
    await until(() => b.handled.includes('later'), 'a later update');
    expect(b.handled).toEqual(['slow', 'later']);
    expect(offsets.value().offset).toBe(later + 1);
    a.release('slow');
    await stoppingA;
  });

  it('a new leader skips updates its predecessor handled but never confirmed to Telegram', async () => {
    sandbox = await startTelegramSandbox({ token: TOKEN });
    // Two updates the dead leader handled: still pending on Telegram, but past the kept offset.
    await post(sandbox, 'one');
    const two = await post(sandbox, 'two');
    const offsets = memoryOffsets({ offset: two + 1, done: [] });
    const b = await startLeader(sandbox, offsets);
    await post(sandbox, 'three');
    await until(() => b.handled.length > 0, 'the new update handled');
    expect(b.handled).toEqual(['three']);
    expect(b.polledFrom[0]).toBe(two + 1);
  });

  it('without a stored offset, polling starts from what Telegram still holds', async () => {
    sandbox = await startTelegramSandbox({ token: TOKEN });
    await post(sandbox, 'early');
    const b = await startLeader(sandbox, memoryOffsets());
    await until(() => b.handled.length > 0, 'the pending update handled');
    expect(b.handled).toEqual(['early']);
  });
});

describe('HandledUpdates and OffsetKeeper', () => {
  it('the offset is the lowest update in flight, else one past the last fetched', () => {
    const handled = new HandledUpdates();
    handled.resumeFrom({ offset: 10, done: [] });
    expect(handled.offset()).toBe(10);
    handled.fetched([10, 11, 12]);
    handled.handled(11);
    expect(handled.point()).toEqual({ offset: 10, done: [11] });
    expect(handled.isNew(11)).toBe(false);
    expect(handled.isNew(12)).toBe(false);
    expect(handled.isNew(13)).toBe(true);
    handled.handled(10);
    expect(handled.point()).toEqual({ offset: 12, done: [] });
    handled.handled(12);
    expect(handled.offset()).toBe(13);
  });

  it('resumed handled ids are skipped, the unhandled ones below them are not', () => {
    const handled = new HandledUpdates();
    handled.resumeFrom({ offset: 5, done: [6, 8] });
    expect(handled.offset()).toBe(5);
    expect([5, 6, 7, 8, 9].map((id) => handled.isNew(id))).toEqual([true, false, true, false, true]);
    handled.fetched([5, 7, 9]);
    handled.handled(5);
    expect(handled.point()).toEqual({ offset: 7, done: [8] });
    handled.handled(7);
    expect(handled.point()).toEqual({ offset: 9, done: [] });
    expect(handled.isNew(8)).toBe(false);
    handled.handled(9);
    expect(handled.point()).toEqual({ offset: 10, done: [] });
  });

  it('writes one offset at a time, skips superseded ones and survives a failed write', async () => {
    const saved: ResumePoint[] = [];
    const errors: unknown[] = [];
    let release = (): void => undefined;
    let first = true;
    const store: UpdateOffsetStore = {
      load: async () => ({ offset: 0, done: [] }),
      save: async (offset) => {
        if (first) {
          first = false;
          await new Promise<void>((r) => (release = r));
          throw new Error('database unavailable');
        }
        saved.push(offset);
      },
    };
    const keeper = new OffsetKeeper(store, (error) => errors.push(error));
    const at = (offset: number): ResumePoint => ({ offset, done: [] });
    keeper.keep(at(1));
    keeper.keep(at(2));
    keeper.keep(at(3));
    release();
    await keeper.flushed();
    expect(errors).toHaveLength(1);
    expect(saved).toEqual([at(3)]);
    keeper.keep(at(3));
    await keeper.flushed();
    expect(saved).toEqual([at(3)]);
  });
});

describe('the resume point in the store', () => {
  it('round-trips through the key-value table, and an unreadable value starts afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-poll-point-'));
    const store = openStore(join(dir, 'conveyor.db'));
    try {
      const offsets = storedUpdateOffset(store, () => 1_000);
      expect(await offsets.load()).toEqual({ offset: 0, done: [] });
      await offsets.save({ offset: 41, done: [43, 44] });
      expect(await storedUpdateOffset(store, () => 2_000).load()).toEqual({ offset: 41, done: [43, 44] });
      await store.transaction(async (tx) => await kvPut(tx, POLL_POINT_KEY, '{"offset":"x"}', 3_000));
      expect(await offsets.load()).toEqual({ offset: 0, done: [] });
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
