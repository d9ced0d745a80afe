/**
 * Dashboard sign-in (ADR 0040). Telegram's `initData` (POST /app/session) or a `/dash` link token
 * (GET /app/link?t=…) becomes a short-lived signed session cookie; every other dashboard route needs
 * that cookie and a person who may see at least one project. Anything else is a bare 401 page: it
 * says nothing about projects, tasks or why the check failed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { checkInitData } from '../../core/dashboard/init-data.ts';
import type { DashboardRights } from '../../core/dashboard/dashboard-rights.ts';
import type { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { h } from './html.ts';

export const SESSION_COOKIE = 'conveyor_dash';
/** How long a session lasts; rights are checked again on every request. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** The signed-in person. */
export interface Viewer {
  readonly userId: number;
  readonly name: string;
}

export type DashboardEnv = { Variables: { viewer: Viewer } };

export interface SessionDeps {
  readonly botToken: string;
  readonly tokens: DashboardTokens;
  readonly rights: DashboardRights;
  readonly initDataMaxAgeS: number;
  /** Mark the cookie Secure (and SameSite=None, as Telegram's web client frames the app): ORCH_PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The 401 answer: the same page whatever went wrong. Its script signs in when Telegram's initData
 * is in the URL (a `web_app` button opening a deep page) and comes back to the same page.
 */
export function unauthorized(c: Context): Response {
  const page = h`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Not authorized</title><script defer src="/app/assets/dashboard.js"></script></head><body><main id="unauthorized"><h1>Not authorized</h1><p>Open the dashboard from the Conveyor bot in Telegram, or ask it for a link with /dash in a private chat.</p></main></body></html>`;
  return c.html(page.text, 401);
}

/** Requires a valid session whose person may still see something. */
export function requireViewer(deps: SessionDeps): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const claims = deps.tokens.verify('session', getCookie(c, SESSION_COOKIE), deps.now());
    if (!claims || deps.rights.visibleProjects(claims.userId).length === 0) return unauthorized(c);
    c.set('viewer', { userId: claims.userId, name: claims.name });
    await next();
  };
}

/** POST /app/session: `initData` in a JSON body `{ initData }` → the session cookie. */
export async function startSessionFromInitData(c: Context, deps: SessionDeps): Promise<Response> {
  let raw: string;
  try {
    const body = await c.req.json<{ initData?: unknown }>();
    raw = typeof body.initData === 'string' ? body.initData : '';
  } catch {
    raw = '';
  }
  const check = checkInitData(raw, deps.botToken, deps.now(), deps.initDataMaxAgeS);
  if (check.type !== 'valid') {
    deps.logger.info({ reason: check.reason }, 'dashboard: initData refused');
    return unauthorized(c);
  }
  const name = [check.user.firstName, check.user.lastName].filter(Boolean).join(' ') || check.user.username || String(check.user.id);
  return grant(c, deps, check.user.id, name, () => c.json({ ok: true }));
}

/** GET /app/link?t=…: a `/dash` link → the session cookie and the board. */
export function startSessionFromLink(c: Context, deps: SessionDeps): Response {
  const claims = deps.tokens.verify('link', c.req.query('t'), deps.now());
  if (!claims) return unauthorized(c);
  return grant(c, deps, claims.userId, claims.name, () => c.redirect('/app/board', 303));
}

function grant(c: Context, deps: SessionDeps, userId: number, name: string, answer: () => Response): Response {
  if (deps.rights.visibleProjects(userId).length === 0) {
    deps.logger.info({ userId }, 'dashboard: a person who may see no project was refused');
    return unauthorized(c);
  }
  const token = deps.tokens.sign('session', { userId, name, expiresAt: deps.now() + SESSION_TTL_MS });
  setCookie(c, SESSION_COOKIE, token, {
    path: '/app',
    httpOnly: true,
    maxAge: SESSION_TTL_MS / 1000,
    ...(deps.secureCookies ? { secure: true, sameSite: 'None' as const } : { sameSite: 'Lax' as const }),
  });
  return answer();
}
