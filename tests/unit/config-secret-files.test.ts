/**
 * Secrets from files (`<NAME>_FILE`, the Docker/compose secrets convention) and configuration
 * errors that never echo a value that may hold a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecretFiles, loadConfigFromEnv } from '../../app/secret-files.ts';
import { FILE_SECRETS, loadConfig } from '../../core/config/config.ts';
import { childEnv } from '../../adapters/agents/child-env.ts';
import { ConfigError } from '../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'conveyor-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = '123456:file-token-abcdefghijklmnopqrst';

function secretFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfigFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('secrets from files', () => {
  it('reads every secret from its _FILE with the trailing newline trimmed', () => {
    const config = loadConfigFromEnv({
      TELEGRAM_BOT_TOKEN_FILE: secretFile('token', `${TOKEN}\n`),
      ORCH_TELEGRAM_MODE: 'webhook',
      ORCH_PUBLIC_URL: 'https://conveyor.example.test',
      ORCH_TELEGRAM_WEBHOOK_SECRET_FILE: secretFile('tg-hook', 'tg-hook-secret\r\n'),
      GITEA_URL: 'https://git.example.test',
      GITEA_TOKEN_FILE: secretFile('gitea-token', 'gitea-token-value\n'),
      GITEA_WEBHOOK_SECRET_FILE: secretFile('gitea-hook', 'gitea-hook-secret'),
      PLANE_API_URL: 'https://plane.example.test',
      PLANE_WORKSPACE: 'acme',
      PLANE_API_KEY_FILE: secretFile('plane-key', 'plane-key-value\n\n'),
      PLANE_WEBHOOK_SECRET_FILE: secretFile('plane-hook', 'plane-hook-secret\n'),
    });
    expect(config.telegram.botToken).toBe(TOKEN);
    expect(config.telegram.webhookSecret).toBe('tg-hook-secret');
    expect(config.gitea?.token).toBe('gitea-token-value');
    expect(config.giteaWebhookSecret).toBe('gitea-hook-secret');
    expect(config.plane?.apiKey).toBe('plane-key-value');
    expect(config.planeWebhookSecret).toBe('plane-hook-secret');
  });

  it('refuses a secret set both ways, naming both variables', () => {
    const problems = problemsOf({ GITEA_WEBHOOK_SECRET: 'inline', GITEA_WEBHOOK_SECRET_FILE: secretFile('both', 'from-file\n') });
    expect(problems).toEqual(['GITEA_WEBHOOK_SECRET and GITEA_WEBHOOK_SECRET_FILE: both are set; set only one']);
  });

  it('names the variable of a missing or empty file and never shows its content', () => {
    const missing = problemsOf({ PLANE_WEBHOOK_SECRET_FILE: join(dir, 'nope') });
    expect(missing).toEqual(['PLANE_WEBHOOK_SECRET_FILE: cannot read the file it names (ENOENT)']);
    const empty = problemsOf({ TELEGRAM_BOT_TOKEN_FILE: secretFile('empty', '\n') });
    expect(empty).toEqual(['TELEGRAM_BOT_TOKEN_FILE: the file it names is empty']);
    const spaced = problemsOf({ GITEA_TOKEN_FILE: secretFile('spaced', 'two words\n'), GITEA_URL: 'https://git.example.test' });
    expect(spaced.join('\n')).toContain('GITEA_TOKEN: contains white space (value not shown)');
    expect(spaced.join('\n')).not.toContain('two words');
  });

  it('reads only the files the environment names', () => {
    expect(readSecretFiles({ PATH: '/bin', GITEA_TOKEN: 'x' })).toEqual({});
    expect(Object.keys(readSecretFiles({ GITEA_TOKEN_FILE: secretFile('only', 'x') }))).toEqual(['GITEA_TOKEN_FILE']);
  });

  it('keeps every _FILE variable out of an agent environment', () => {
    const env = Object.fromEntries(FILE_SECRETS.map((name) => [`${name}_FILE`, '/run/secrets/x']));
    expect(childEnv({ ...env, PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });

  it('keeps the database URL and Compose deployment secrets out of an agent environment', () => {
    const env = {
      ORCH_DATABASE_URL: 'postgres://conveyor:s3cret@db:5432/conveyor',
      CONVEYOR_PG_PASSWORD: 's3cret',
      CONVEYOR_STAGING_TELEGRAM_BOT_TOKEN: '456:def',
      PATH: '/bin',
    };
    expect(childEnv(env, { CONVEYOR_RUN_ID: 'run-1' })).toEqual({ PATH: '/bin', CONVEYOR_RUN_ID: 'run-1' });
  });
});

describe('configuration errors never echo a URL', () => {
  const credentialed = 'htps://user:s3cr3t-in-url@git.example.test';
  it.each(['GITEA_URL', 'PLANE_API_URL', 'PLANE_WEB_URL', 'TELEGRAM_API_ROOT', 'ORCH_PUBLIC_URL'])('%s', (name) => {
    let message = '';
    try {
      loadConfig({ [name]: credentialed });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${name}: must be an http(s) URL such as https://example.com (value not shown)`);
    expect(message).not.toContain('s3cr3t-in-url');
  });
});
