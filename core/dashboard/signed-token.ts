/**
 * Short-lived signed tokens for the dashboard: the session cookie after a valid `initData`, and the
 * `/dash` link for use outside Telegram. `<base64url payload>.<base64url mac>`; the MAC is
 * HMAC-SHA256 with a key derived from the bot token and the token's purpose, so a link token is
 * not a session and neither is Telegram's own signature. Parsing never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'session' | 'link';

/** What a token carries: the Telegram user id, their display name and the expiry (epoch ms). */
export interface TokenClaims {
  readonly userId: number;
  readonly name: string;
  readonly expiresAt: number;
}

export class DashboardTokens {
  private readonly keys: Readonly<Record<TokenPurpose, Buffer>>;

  constructor(botToken: string) {
    const key = (purpose: TokenPurpose) => createHmac('sha256', `conveyor/dashboard-${purpose}/v1`).update(botToken).digest();
    this.keys = { session: key('session'), link: key('link') };
  }

  sign(purpose: TokenPurpose, claims: TokenClaims): string {
    const payload = Buffer.from(JSON.stringify({ u: claims.userId, n: claims.name, e: claims.expiresAt })).toString('base64url');
    return `${payload}.${this.mac(purpose, payload).toString('base64url')}`;
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(purpose: TokenPurpose, token: string | undefined | null, nowMs: number): TokenClaims | null {
    if (!token || token.length > 1024) return null;
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const [, payload = '', mac = ''] = match;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(purpose, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; n?: unknown; e?: unknown };
      if (typeof value.u !== 'number' || typeof value.e !== 'number' || typeof value.n !== 'string') return null;
      if (value.e <= nowMs) return null;
      return { userId: value.u, name: value.n, expiresAt: value.e };
    } catch {
      return null;
    }
  }

  private mac(purpose: TokenPurpose, payload: string): Buffer {
    return createHmac('sha256', this.keys[purpose]).update(payload).digest();
  }
}
