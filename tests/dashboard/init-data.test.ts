import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkInitData, signInitData } from '../../core/dashboard/init-data.ts';
import { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import { loadConfig } from '../../core/config/config.ts';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const OTHER = '654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const user = JSON.stringify({ id: 42, first_name: 'Ann', username: 'ann' });

/** The hash computed by hand, step by step as Telegram documents it, independent of the module. */
function telegramHash(token: string, fields: Record<string, string>): string {
  const check = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  return createHmac('sha256', secret).update(check).digest('hex');
}

function initData(token: string, authDateS: number, extra: Record<string, string> = {}): string {
  const fields = { auth_date: String(authDateS), query_id: 'AAHdF6IQAAAAAN0XohDhrOrc', user, ...extra };
  return new URLSearchParams({ ...fields, hash: telegramHash(token, fields) }).toString();
}

describe('Mini App initData validation', () => {
  it('accepts data signed with the bot token and gives the user', () => {
    const check = checkInitData(initData(TOKEN, NOW / 1000 - 30), TOKEN, NOW, 3600);
    expect(check).toEqual({ type: 'valid', user: { id: 42, firstName: 'Ann', lastName: null, username: 'ann' }, authDate: NOW / 1000 - 30 });
  });

  it('signInitData produces what Telegram would', () => {
    const fields = { auth_date: String(NOW / 1000), user };
    expect(new URLSearchParams(signInitData(TOKEN, fields)).get('hash')).toBe(telegramHash(TOKEN, fields));
  });

  it('refuses a tampered field', () => {
    const raw = initData(TOKEN, NOW / 1000 - 30).replace('%22id%22%3A42', '%22id%22%3A43');
    expect(raw).toContain('%22id%22%3A43');
    expect(checkInitData(raw, TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'bad-hash' });
  });

  it('refuses data older than the configured age and accepts it under a longer one', () => {
    const raw = initData(TOKEN, NOW / 1000 - 7200);
    expect(checkInitData(raw, TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'expired' });
    expect(checkInitData(raw, TOKEN, NOW, 86_400).type).toBe('valid');
  });

  it("refuses another bot's data", () => {
    expect(checkInitData(initData(OTHER, NOW / 1000), TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'bad-hash' });
  });

  it('refuses malformed input without throwing (short hash, no hash, garbage)', () => {
    const raw = initData(TOKEN, NOW / 1000);
    expect(checkInitData(raw.replace(/hash=[0-9a-f]+/, 'hash=abcd'), TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'malformed' });
    expect(checkInitData(raw.replace(/&?hash=[0-9a-f]+/, ''), TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'malformed' });
    expect(checkInitData('%%%', TOKEN, NOW, 3600).type).toBe('invalid');
    expect(checkInitData('', TOKEN, NOW, 3600).type).toBe('invalid');
  });

  it('refuses valid data without a user', () => {
    const fields = { auth_date: String(NOW / 1000) };
    const raw = new URLSearchParams({ ...fields, hash: telegramHash(TOKEN, fields) }).toString();
    expect(checkInitData(raw, TOKEN, NOW, 3600)).toEqual({ type: 'invalid', reason: 'no-user' });
  });

  it('the max age comes from ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S (default one day)', () => {
    expect(loadConfig({}).dashboard).toEqual({ initDataMaxAgeS: 86_400, linkTtlS: 600 });
    expect(loadConfig({ ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S: '300', ORCH_DASHBOARD_LINK_TTL_S: '60' }).dashboard).toEqual({ initDataMaxAgeS: 300, linkTtlS: 60 });
    expect(() => loadConfig({ ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S: 'soon' })).toThrow(/ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S: must be a whole number/);
  });
});

describe('dashboard tokens (session cookie, /dash link)', () => {
  const tokens = new DashboardTokens(TOKEN);
  const claims = { userId: 42, name: 'Ann', expiresAt: NOW + 60_000 };

  it('round-trips until it expires', () => {
    const token = tokens.sign('link', claims);
    expect(tokens.verify('link', token, NOW)).toEqual(claims);
    expect(tokens.verify('link', token, NOW + 60_000)).toBeNull();
  });

  it('a link is not a session, and another bot cannot make either', () => {
    const token = tokens.sign('link', claims);
    expect(tokens.verify('session', token, NOW)).toBeNull();
    expect(new DashboardTokens(OTHER).verify('link', token, NOW)).toBeNull();
  });

  it('a changed payload or garbage is refused', () => {
    const [payload = '', mac = ''] = tokens.sign('session', claims).split('.');
    const forged = Buffer.from(JSON.stringify({ u: 1, n: 'Eve', e: NOW + 60_000 })).toString('base64url');
    expect(payload).not.toBe(forged);
    expect(tokens.verify('session', `${forged}.${mac}`, NOW)).toBeNull();
    expect(tokens.verify('session', 'x.y', NOW)).toBeNull();
    expect(tokens.verify('session', undefined, NOW)).toBeNull();
  });
});
