/**
 * Russian through the Telegram stand-in: the command menu, /help, /queue with a BRD waiting (by
 * name) and the approval message carry no English wording.
 */
import { isApprovalOf } from '../support/approval-message.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { englishWords } from '../support/english-words.ts';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({
    env: { ORCH_LOCALE: 'ru' },
    agents: {
      analyst:
        'mkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf "# BRD\\n\\nКнопка «в избранное».\\n" > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n',
    },
  });
  await h.start();
});
afterAll(async () => h.close());

async function ask(text: string, match: (plain: string) => boolean): Promise<string> {
  const posted = await h.say(BOB, text);
  const reply = await h.waitFor(
    async () =>
      (await h.messages()).find((m) => m.from.is_bot && m.messageId > posted.messageId && match(m.plain)),
    `an answer to ${text}`,
  );
  return reply.plain;
}

describe('Russian in the chat', () => {
  it('menu, help, queue and approval speak Russian', async () => {
    const menu = (await h.sandbox.commands()).flatMap((set) => set.commands.map((c) => c.description));
    expect(menu).toHaveLength(7);
    await h.say(ALICE, '/new SHOP Избранное');
    const approval = await h.waitFor(
      async () =>
        (await h.messages()).find((m) => isApprovalOf(m, 'SHOP-1')),
      'the approval message',
    );
    expect(approval.plain.split('\n')[0]).toBe('📝 BRD ждёт подтверждения — SHOP-1 · Избранное');
    const help = await ask('/help', (p) => p.startsWith('Conveyor'));
    const queue = await ask('/queue', (p) => p.startsWith('🚦'));
    expect(queue).toContain('📝 SHOP-1 · ждём подтверждения BRD от Alice или Bob');
    const texts = [...menu, approval.plain, help, queue];
    // "Conveyor" is the product's name, "dry" the literal argument of /reconcile dry.
    const leaks = texts.flatMap(englishWords).filter((w) => w !== 'Conveyor' && w !== 'dry');
    expect(leaks).toEqual([]);
    expect(approval.plain).toContain('Кнопка «в избранное».');
  });
});
