/**
 * Telegram Mini App `initData` validation (core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * drop `hash`, sort the remaining `key=value` pairs, join them with `\n`; the secret key is
 * HMAC-SHA256 of the bot token keyed with "WebAppData"; the hash is HMAC-SHA256 of the joined text
 * with that key. Compared in constant time; a stale `auth_date` is refused. Never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who opened the Mini App, as Telegram signed it. */
export interface InitDataUser {
  readonly id: number;
  readonly firstName: string;
  readonly lastName: string | null;
  readonly username: string | null;
}

export type InitDataCheck =
  | { readonly type: 'valid'; readonly user: InitDataUser; readonly authDate: number }
  | { readonly type: 'invalid'; readonly reason: 'malformed' | 'bad-hash' | 'expired' | 'no-user' };

/** The secret key Telegram derives from the bot token for Mini App data. */
export function webAppSecretKey(botToken: string): Buffer {
  return createHmac('sha256', 'WebAppData').update(botToken).digest();
}

/** The data-check string of `params` (every pair but `hash`, sorted by key, joined with newlines). */
export function dataCheckString(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([key]) => key !== 'hash')
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join('\n');
}

/** Sign `fields` as Telegram would (tests, the demo): the query string with its `hash`. */
export function signInitData(botToken: string, fields: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams(fields);
  params.set('hash', createHmac('sha256', webAppSecretKey(botToken)).update(dataCheckString(params)).digest('hex'));
  return params.toString();
}

/**
 * Check `raw` (the `initData` query string) against `botToken`. `nowMs` is the current time and
 * `maxAgeS` the oldest `auth_date` accepted.
 */
export function checkInitData(raw: string, botToken: string, nowMs: number, maxAgeS: number): InitDataCheck {
  if (raw.length === 0 || raw.length > 8192) return { type: 'invalid', reason: 'malformed' };
  const params = new URLSearchParams(raw);
  const hash = params.get('hash') ?? '';
  if (!/^[0-9a-f]{64}$/.test(hash)) return { type: 'invalid', reason: 'malformed' };
  const expected = createHmac('sha256', webAppSecretKey(botToken)).update(dataCheckString(params)).digest();
  const given = Buffer.from(hash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { type: 'invalid', reason: 'bad-hash' };
  const authDate = Number(params.get('auth_date'));
  if (!Number.isInteger(authDate) || authDate <= 0) return { type: 'invalid', reason: 'malformed' };
  const ageS = nowMs / 1000 - authDate;
  // A little clock skew forward is tolerated; older than the limit is not.
  if (ageS > maxAgeS || ageS < -60) return { type: 'invalid', reason: 'expired' };
  const user = userOf(params.get('user'));
  return user ? { type: 'valid', user, authDate } : { type: 'invalid', reason: 'no-user' };
}

function userOf(json: string | null): InitDataUser | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    if (typeof value.id !== 'number' || !Number.isSafeInteger(value.id) || value.id <= 0) return null;
    return {
      id: value.id,
      firstName: typeof value.first_name === 'string' ? value.first_name : '',
      lastName: typeof value.last_name === 'string' ? value.last_name : null,
      username: typeof value.username === 'string' ? value.username : null,
    };
  } catch {
    return null;
  }
}
