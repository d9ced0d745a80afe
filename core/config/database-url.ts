/**
 * ORCH_DATABASE_URL: a `postgres://` / `postgresql://` URL selects PostgreSQL (ADR 0054). It
 * carries a password, so nothing prints it: every message and log line shows
 * {@link redactDatabaseUrl}'s form instead.
 */

/** What reading ORCH_DATABASE_URL gave: a usable URL, or why not (the value is never repeated). */
export type DatabaseUrlCheck = { readonly type: 'ok'; readonly url: string } | { readonly type: 'invalid'; readonly reason: string };

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const UNSHOWN = '(a database URL that is not postgres://…; not shown)';

/** Check that `value` is a PostgreSQL connection URL with a host. */
export function checkDatabaseUrl(value: string): DatabaseUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { type: 'invalid', reason: 'is not a URL (expected postgres://user:password@host:5432/database; value not shown)' };
  }
  if (!SCHEMES.has(url.protocol))
    return { type: 'invalid', reason: 'must start with postgres:// or postgresql:// (value not shown); unset it to use SQLite at ORCH_DB_PATH' };
  if (url.hostname === '') return { type: 'invalid', reason: 'names no host (expected postgres://user:password@host:5432/database; value not shown)' };
  return { type: 'ok', url: value };
}

/**
 * `url` without its secrets: the password (user info) and any `password` query parameter become
 * `***`. A value that is not a URL is not shown at all.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return UNSHOWN;
  }
  // Another scheme may not split out the password (`conveyor:secret@db` parses, all path): hide it.
  if (!SCHEMES.has(parsed.protocol) || parsed.hostname === '') return UNSHOWN;
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()])
    if (/pass|secret|key|token/i.test(key)) parsed.searchParams.set(key, '***');
  return parsed.toString();
}

/** The password in `url`, if any (for the logger's list of secrets). */
export function databaseUrlPassword(url: string): string | null {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? null : password;
  } catch {
    return null;
  }
}
