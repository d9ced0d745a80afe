/**
 * The approval message shows the BRD's Markdown rendered (bold heading, bullets, code, links),
 * accepted by the Telegram stand-in's HTML parser, and within Telegram's 4096-character limit
 * even for a long BRD — before and after the decision is edited in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  approvalMessage,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

const BRD = [
  '---',
  'title: Wishlist',
  '---',
  '# BRD: Wishlist <button> & "badge"',
  '',
  'Customers keep items for later; see [the spec](https://docs.example.com/wishlist) and [notes](ftp://old/x).',
  '',
  '## Scope',
  '- a **heart** button on `ProductCard`',
  '- a wishlist page',
  '',
  '```js',
  'wishlist.add(item) // <no html>',
  '```',
  '',
  '## Details',
  ...Array.from(
    { length: 120 },
    (_, i) => `- requirement ${i}: the wishlist keeps item ${i} across sessions and devices`,
  ),
].join('\n');

let h: BotHarness;
beforeAll(async () => {
  const heredoc = BRD.replace(/'/g, "'\\''");
  h = await startBotHarness({
    agents: {
      analyst: `mkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf '%s\\n' '${heredoc}' > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n`,
    },
  });
  await h.start();
});
afterAll(async () => h.close());

describe('the BRD in the approval message', () => {
  it('is Markdown rendered to Telegram HTML, cut to fit, and stays valid once decided', async () => {
    await h.say(ALICE, '/new SHOP Wishlist');
    const message = await approvalMessage(h, 'SHOP-1');
    const lines = message.plain.split('\n');
    expect(lines.slice(2, 6)).toEqual([
      'BRD: Wishlist <button> & "badge"',
      '',
      'Customers keep items for later; see the spec and notes.',
      '',
    ]);
    expect(message.plain).toContain('• a heart button on ProductCard');
    expect(message.plain).not.toContain('# BRD');
    expect(message.plain).not.toContain('title: Wishlist');
    const span = (type: string) =>
      message.entities.filter((e) => e.type === type).map((e) => message.plain.substr(e.offset, e.length));
    expect(span('bold')).toEqual(['SHOP-1', 'BRD: Wishlist <button> & "badge"', 'Scope', 'heart', 'Details']);
    expect(span('code')).toEqual(['ProductCard']);
    expect(span('pre')).toEqual(['wishlist.add(item) // <no html>']);
    expect(message.entities.filter((e) => e.type === 'text_link').map((e) => e.url)).toEqual([
      'https://docs.example.com/wishlist',
    ]);
    expect(message.plain.length).toBeLessThanOrEqual(4096);
    expect(message.plain.length).toBeGreaterThan(3000); // long BRDs use the room there is
    expect(message.plain.endsWith('…')).toBe(true);

    await pressButton(h, ALICE, message.messageId, 'Approve');
    const decided = await h.waitFor(
      async () =>
        (await h.messages()).find(
          (m) => m.messageId === message.messageId && m.plain.includes('✅ Approved by Alice'),
        ),
      'the decision edited in',
    );
    expect(decided.plain.length).toBeLessThanOrEqual(4096);
    expect((await h.sandbox.requests()).filter((r) => r.status === 400)).toEqual([]);
  });
});
