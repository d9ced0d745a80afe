/**
 * The bot's ways into the dashboard with an https ORCH_PUBLIC_URL: the menu button set at start,
 * the `📊` link on /queue and on cards (a t.me Mini App link in a group), and `/dash` in a private
 * chat giving a signed, short-lived link to people who may see a project, and nothing to others;
 * and a BRD approved from the dashboard updates the chat's approval message like a button press.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import { dashboardFor } from '../../app/dashboard.ts';
import { signInitData } from '../../core/dashboard/init-data.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { ALICE, CHAT_ID, MALLORY, TOKEN, approvalMessage, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

const PUBLIC = 'https://conveyor.example.com';
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ env: { ORCH_PUBLIC_URL: PUBLIC, ORCH_DASHBOARD_LINK_TTL_S: '300' } });
  await h.sandbox.registerChat({ id: ALICE.id, type: 'private' });
  await h.sandbox.registerChat({ id: MALLORY.id, type: 'private' });
  await h.start();
});
afterAll(async () => h.close());

async function botAnswer(chatId: number, after: number): Promise<SandboxMessage> {
  return h.waitFor(async () => (await h.messages(chatId)).find((m) => m.from.is_bot && m.messageId > after), `an answer in ${chatId}`);
}

describe('dashboard entry points in the bot', () => {
  it('sets the menu button to the Mini App at start', async () => {
    const button = await h.waitFor(async () => {
      const res = await fetch(`${h.config.telegram.apiRoot}/bot${TOKEN}/getChatMenuButton`, { method: 'POST' });
      const body = (await res.json()) as { result: { type: string; web_app?: { url: string } } };
      return body.result.type === 'web_app' ? body.result : null;
    }, 'the menu button');
    expect(button.web_app?.url).toBe(`${PUBLIC}/app`);
  });

  it('/queue in the group carries a 📊 Mini App link', async () => {
    const posted = await h.say(ALICE, '/queue');
    const answer = await botAnswer(CHAT_ID, posted.messageId);
    expect(answer.buttons.flat()).toEqual([{ text: '📊', url: 'https://t.me/conveyor_test_bot?startapp=board' }]);
  });

  it('a card carries a 📊 link to its task', async () => {
    await h.say(ALICE, '/new SHOP Dashboard button');
    const card = await h.waitFor(() => h.liveCard('SHOP-1'), 'the card');
    expect(card.buttons.flat()).toEqual([{ text: '📊', url: 'https://t.me/conveyor_test_bot?startapp=SHOP-1' }]);
  });

  it('approving from the dashboard takes the buttons off the chat approval message, as a press would', async () => {
    const before = await approvalMessage(h, 'SHOP-1');
    expect(before.buttons.flat().length).toBe(2);
    const dashboard = dashboardFor(h.app, h.config, silentLogger)!;
    try {
      const initData = signInitData(TOKEN, { auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify({ id: ALICE.id, first_name: 'Alice' }) });
      const session = await dashboard.app.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) });
      const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const approval = (await pendingApproval(h.app.store.db, 'SHOP-1', 'brd'))!;
      const res = await dashboard.app.request(`/api/approvals/${approval.id}/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'X-Conveyor-Dashboard': '1' }, body: '{}' });
      expect(res.status).toBe(200);
      const after = await h.waitFor(async () => (await h.messages()).find((m) => m.messageId === before.messageId && m.buttons.flat().length === 0), 'the approval message without buttons');
      expect(after.plain).toContain('Alice');
      expect((await h.task('SHOP-1'))?.stage).toBe('development');
    } finally {
      dashboard.close();
    }
  });

  it('/dash in a private chat gives an approver a signed link valid for the configured time', async () => {
    const posted = await h.say(ALICE, '/dash', ALICE.id);
    const answer = await botAnswer(ALICE.id, posted.messageId);
    expect(answer.plain).toContain('5 min');
    const token = /\/app\/link\?t=([\w.-]+)/.exec(answer.plain)?.[1];
    expect(answer.plain).toContain(`${PUBLIC}/app/link?t=`);
    const claims = new DashboardTokens(TOKEN).verify('link', token, Date.now());
    expect(claims).toMatchObject({ userId: ALICE.id, name: 'Alice' });
    expect(claims!.expiresAt - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it('/dash from someone who may see nothing gets no answer', async () => {
    const posted = await h.say(MALLORY, '/dash', MALLORY.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await h.messages(MALLORY.id)).filter((m) => m.from.is_bot && m.messageId > posted.messageId)).toEqual([]);
  });
});
