/**
 * The pacer on a fake clock: per-chat and global sliding windows, a group's minute budget spent
 * evenly after a small burst, a 429's retry_after honoured, a slot taken before rendering
 * used by the call that follows (not taken twice), and waits ended by an aborted signal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GROUP_BURST, SendPacer, TELEGRAM_LIMITS } from '../../bot/telegram/send-pacer.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Acquire `n` slots for `chat` one after another; the fake times at which each was granted. */
async function grants(pacer: SendPacer, chat: string, n: number, budgetMs: number): Promise<number[]> {
  const start = Date.now();
  const times: number[] = [];
  const all = Array.from({ length: n }, () => pacer.acquire(chat).then(() => times.push(Date.now() - start)));
  await vi.advanceTimersByTimeAsync(budgetMs);
  await Promise.all(all);
  return times;
}

describe('send pacer', () => {
  it('keeps a private chat to one send per (1.1 ×) second', async () => {
    const times = await grants(new SendPacer(TELEGRAM_LIMITS), '4242', 4, 10_000);
    expect(times).toEqual([0, 1100, 2200, 3300]);
  });

  it('spends a group’s minute budget evenly after a burst of three', async () => {
    const times = await grants(new SendPacer(TELEGRAM_LIMITS), '-100123', 6, 30_000);
    expect(GROUP_BURST).toBe(3);
    // Three tokens go as fast as the per-chat window allows; tokens refill at one per 66 s / 20 = 3.3 s.
    expect(times).toEqual([0, 1100, 2200, 3300, 6600, 9900]);
  });

  it('never lets more than the per-minute limit into a group within a minute', async () => {
    const pacer = new SendPacer({ perChatPerSecond: 100, perGroupPerMinute: 20, globalPerSecond: 100 });
    const times = await grants(pacer, '-100123', 40, 200_000);
    for (let i = 20; i < times.length; i += 1)
      expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(66_000);
  });

  it('holds a chat back for a 429’s retry_after', async () => {
    const pacer = new SendPacer(TELEGRAM_LIMITS);
    await grants(pacer, '4242', 1, 0);
    pacer.pause('4242', 7_000);
    const [after] = await grants(pacer, '4242', 1, 10_000);
    expect(after).toBe(7_000);
    const [other] = await grants(pacer, '5353', 1, 0);
    expect(other).toBe(0); // other chats are not held
  });

  it('lets the call inside withSlot use the slot taken before it, once', async () => {
    const pacer = new SendPacer(TELEGRAM_LIMITS);
    await grants(pacer, '4242', 1, 0);
    const start = Date.now();
    const taken: number[] = [];
    const run = pacer.withSlot('4242', async () => {
      await pacer.take('4242'); // the prepaid slot
      taken.push(Date.now() - start);
      await pacer.take('4242'); // a retry inside waits for a new one
      taken.push(Date.now() - start);
    });
    await vi.advanceTimersByTimeAsync(5_000);
    await run;
    expect(taken).toEqual([0, 1100]);
  });

  it('ends a wait inside until(signal) when the signal aborts, without taking a slot', async () => {
    const pacer = new SendPacer(TELEGRAM_LIMITS);
    const t0 = Date.now();
    await grants(pacer, '-100123', GROUP_BURST, 2_200); // the burst is spent at 2.2 s: the next slot is at 3.3 s
    const stopping = new AbortController();
    const waiting = pacer.until(stopping.signal, () => pacer.acquire('-100123'));
    const outcome = waiting.then(
      () => 'granted',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    await vi.advanceTimersByTimeAsync(500);
    stopping.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await outcome).toBe('AbortError');
    // The aborted wait took nothing: the next caller gets the slot it would have had.
    const start = Date.now();
    const [next] = await grants(pacer, '-100123', 1, 5_000);
    expect(start + (next ?? NaN) - t0).toBe(3_300);
    // Already aborted: refused at once, and a wait outside until() is not affected.
    await expect(pacer.until(stopping.signal, () => pacer.acquire('4242'))).rejects.toMatchObject({ name: 'AbortError' });
    const [free] = await grants(pacer, '4242', 1, 0);
    expect(free).toBe(0);
  });
});
