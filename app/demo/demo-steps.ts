/** The demo's small moves: waiting, Alice's presses, letting side jobs settle, a metrics excerpt. */
import type { TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { countByState as countInbox } from '../../core/store/inbox-repo.ts';
import type { Reader } from '../../core/store/store.ts';
import { activeTaskIds } from '../../core/store/task-repo.ts';
import type { App } from '../compose.ts';
import { ALICE } from './demo-project.ts';
import { CHAT } from './demo-world.ts';

/** Alice presses ✅ on every approval message that still has buttons (the BRD, then production). */
export async function pressApprove(sandbox: TelegramSandbox, pressed: Set<number>, write: (t: string) => void): Promise<void> {
  for (const m of (await sandbox.chat(CHAT.id))?.messages ?? []) {
    const approve = m.buttons.flat().find((b) => b.text.startsWith('✅'));
    if (!approve?.callback_data || pressed.has(m.messageId) || m.deleted) continue;
    pressed.add(m.messageId);
    const result = await sandbox.press({ chatId: CHAT.id, messageId: m.messageId, from: ALICE, data: approve.callback_data });
    write(`Alice presses ${approve.text} on message #${m.messageId} → ${result.text ?? '(no answer)'}\n`);
  }
}

/** After done: let the tracker and forge jobs, the forge's webhooks and CI, the inbox and the outbox finish. */
export async function settle(app: App, id: string, world: { settle(): Promise<void> }): Promise<void> {
  await waitFor(async () => ((await app.queue.activeForTask(id)).some((j) => j.kind !== 'agent' && j.kind !== 'ci') ? null : true), 15_000, 'side jobs did not finish').catch(() => undefined);
  await world.settle();
  // A pass already in flight may have read the inbox before the last deliveries arrived.
  for (let i = 0; i < 20 && (await countInbox(app.store)).pending + (await countInbox(app.store)).retrying > 0; i += 1) await app.inbox.processOnce();
  // Let the final card state reach the chat (the pacer keeps Telegram's limits).
  await app.drain.drainOnce();
  await app.drain.drainOnce();
}

/** A few lines of the Prometheus text the listener serves. */
export async function metricsExcerpt(listenerUrl: string): Promise<string> {
  const text = await (await fetch(`${listenerUrl}/metrics`)).text();
  const wanted = /^conveyor_(webhook_deliveries_total|transitions_total|telegram_sends_total\{method="(sendMessage|editMessageText)"\}|inbox\{)/;
  return `${text.split('\n').filter((line) => wanted.test(line)).map((line) => `  ${line}`).join('\n')}\n`;
}

/** The demo project's task, once the tracker's webhook created it (on either database). */
export async function latestTaskId(reader: Reader, projectId: string): Promise<string | null> {
  return [...(await activeTaskIds(reader, projectId))].at(-1) ?? null;
}

export async function waitFor<T>(probe: () => T | null | Promise<T | null>, timeoutMs: number, failure: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`demo: ${failure}`);
}
