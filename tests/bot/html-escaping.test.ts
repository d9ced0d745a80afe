/**
 * HTML-hostile titles and BRDs end to end: `<b>`, `&`, entities, emoji, RTL text and quotes reach
 * the chat escaped, so Telegram never answers "can't parse entities" and the visible text is the
 * title exactly. Also in Russian, where the finished card says `📦 Готово`.
 */
import { isApprovalOf } from '../support/approval-message.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALICE,
  approvalMessage,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const TITLE = '<b>Bold</b> & "quotes" &amp; 🚀 שלום עולם مرحبا <script>alert(1)</script> 1<2>3';

describe('HTML-hostile text', () => {
  it('shows titles and BRD summaries verbatim in the card, the approval message and /status', async () => {
    h = await startBotHarness({
      agents: {
        analyst: `mkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf '%s\\n' '# BRD for <cart> & "wishlist"' '' 'Keep <i>totals</i> & taxes' > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n`,
      },
    });
    const harness = h;
    await harness.start();
    await harness.say(ALICE, `/new SHOP ${TITLE}`);
    expect(await harness.waitFor(async () => (await harness.task('SHOP-1'))?.title, 'the task')).toBe(TITLE);

    const approval = await approvalMessage(harness, 'SHOP-1');
    expect(approval.plain.split('\n')[0]).toBe(`📝 BRD ready for approval — SHOP-1 · ${TITLE}`);
    expect(approval.plain).toContain('BRD for <cart> & "wishlist"\n\nKeep <i>totals</i> & taxes'); // the heading is a bold line
    expect(approval.entities.filter((e) => e.type === 'italic')).toEqual([]); // the BRD's <i> is text, not markup

    const posted = await harness.say(ALICE, '/status SHOP-1');
    const status = await harness.waitFor(
      async () =>
        (await harness.messages()).find(
          (m) => m.from.is_bot && m.messageId > posted.messageId && m.plain.startsWith('🧩'),
        ),
      'the /status answer',
    );
    expect(status.plain.split('\n')[0]).toBe(`🧩 SHOP-1 · ${TITLE}`);

    await pressButton(harness, ALICE, approval.messageId, 'Approve');
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    // Once decided, the heading says what happened; the title stays escaped text.
    const decided = await harness.waitFor(
      async () => (await harness.messages()).find((m) => m.messageId === approval.messageId && m.buttons.length === 0),
      'the decided approval message',
    );
    expect(decided.plain.split('\n')[0]).toBe(`📝 BRD approved — SHOP-1 · ${TITLE}`);
    const card = await harness.waitFor(async () => {
      const live = await harness.liveCard('SHOP-1');
      return live?.plain.includes('📦 Delivered') ? live : null;
    }, 'the delivered card');
    expect(card.plain.split('\n')[0]).toBe(`🧩 SHOP-1 · ${TITLE}`);
    expect(card.text).toBe(await harness.expectedCard('SHOP-1'));
    // Only the id is bold: the title's <b> stayed text.
    expect(
      card.entities.filter((e) => e.type === 'bold').map((e) => card.plain.substr(e.offset, e.length)),
    ).toEqual(['SHOP-1']);
    const refused = (await harness.sandbox.requests()).filter((r) => r.status === 400);
    expect(refused).toEqual([]);
  });

  it('speaks Russian with ORCH_LOCALE=ru, escaped the same way', async () => {
    h = await startBotHarness({ env: { ORCH_LOCALE: 'ru' } });
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Кнопка <избранное> & «корзина»');
    const approval = await harness.waitFor(
      async () =>
        (await harness.messages()).find((m) => isApprovalOf(m, 'SHOP-1')),
      'the approval message',
    );
    expect(approval.plain.split('\n')[0]).toBe('📝 BRD ждёт подтверждения — SHOP-1 · Кнопка <избранное> & «корзина»');
    expect(approval.buttons.flat().map((b) => b.text)).toEqual(['✅ Подтвердить', '❌ Отклонить']);
    await pressButton(harness, ALICE, approval.messageId, 'Подтвердить');
    await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done');
    const decided = await harness.waitFor(
      async () => (await harness.messages()).find((m) => m.messageId === approval.messageId && m.buttons.length === 0),
      'the decided approval message',
    );
    expect(decided.plain.split('\n')[0]).toBe('📝 BRD подтверждён — SHOP-1 · Кнопка <избранное> & «корзина»');
    const card = await harness.waitFor(
      async () => (await harness.cardMessages('SHOP-1')).find((m) => m.plain.includes('📦 Готово')),
      'the delivered card',
    );
    expect(card.plain.split('\n')[0]).toBe('🧩 SHOP-1 · Кнопка <избранное> & «корзина»');
    expect(card.text).toBe(await harness.expectedCard('SHOP-1'));
    expect((await harness.sandbox.requests()).filter((r) => r.status === 400)).toEqual([]);
  });
});
