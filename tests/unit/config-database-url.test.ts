import { describe, expect, it } from 'vitest';
import { loadConfig, secretsOf } from '../../core/config/config.ts';
import { redactDatabaseUrl } from '../../core/config/database-url.ts';
import { ConfigError } from '../../core/errors.ts';

const PASSWORD = 'pa55-w0rd-not-for-logs';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('ORCH_DATABASE_URL', () => {
  it('is null when unset: the store is SQLite at ORCH_DB_PATH', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.dbPath).toBe('./data/conveyor.db');
  });

  it.each(['postgres', 'postgresql'])('accepts a %s:// URL and lists it and its password as secrets', (scheme) => {
    const url = `${scheme}://conveyor:${PASSWORD}@db.example.test:5432/conveyor`;
    const config = loadConfig({ ORCH_DATABASE_URL: url });
    expect(config.databaseUrl).toBe(url);
    expect(secretsOf(config)).toEqual(expect.arrayContaining([url, PASSWORD]));
  });

  it.each([
    ['another scheme', `mysql://u:${PASSWORD}@db/x`, /postgres:\/\/ or postgresql:\/\//],
    ['not a URL', `${PASSWORD}@db`, /is not a URL/],
    ['a URL without a host', `postgres://u:${PASSWORD}@`, /is not a URL/],
    ['a scheme without an authority', `conveyor:${PASSWORD}@db`, /postgres:\/\/ or postgresql:\/\//],
  ])('refuses %s, naming the variable and never its value', (_what, value, reason) => {
    const message = problemsOf({ ORCH_DATABASE_URL: value });
    expect(message).toContain('ORCH_DATABASE_URL');
    expect(message).toMatch(reason);
    expect(message).not.toContain(PASSWORD);
  });

  it('may come from ORCH_DATABASE_URL_FILE', () => {
    const url = `postgres://conveyor:${PASSWORD}@db/conveyor`;
    const config = loadConfig({ ORCH_DATABASE_URL_FILE: '/run/secrets/db' }, { ORCH_DATABASE_URL_FILE: { type: 'read', text: `${url}\n` } });
    expect(config.databaseUrl).toBe(url);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and password-like parameters, keeps what locates the database', () => {
    const shown = redactDatabaseUrl(`postgres://conveyor:${PASSWORD}@db.example.test:6543/orch?sslmode=require&password=${PASSWORD}`);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).toContain('conveyor:***@db.example.test:6543/orch');
    expect(shown).toContain('sslmode=require');
  });

  it('keeps a URL without a password as it is, and shows nothing of an unparsable one', () => {
    expect(redactDatabaseUrl('postgres://conveyor@db/orch')).toBe('postgres://conveyor@db/orch');
    expect(redactDatabaseUrl(`conveyor:${PASSWORD}@db`)).not.toContain(PASSWORD);
    expect(redactDatabaseUrl(`${PASSWORD}@db`)).not.toContain(PASSWORD);
  });
});
