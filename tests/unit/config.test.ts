import { describe, expect, it } from 'vitest';
import { loadConfig, secretsOf } from '../../core/config/config.ts';
import { ConfigError } from '../../core/errors.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has the design defaults and is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      telegram: { botToken: null, apiRoot: 'https://api.telegram.org', mode: 'polling' },
      http: { host: '127.0.0.1', port: 8080 },
      dbPath: './data/conveyor.db',
      workdir: './data/work',
      projectsFile: './projects.json',
      locale: 'en',
      trackerMode: 'edit',
      maxConcurrency: 2,
      maxDeveloperRetries: 3,
      agentTimeoutS: 1800,
      reconcile: { enabled: true, planeEnabled: true, skipBlockedEnabled: true, intervalS: 60, graceS: 300 },
      logLevel: 'info',
      staging: { infraToleranceEnabled: true },
      leaderTtlS: 15,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.reconcile)).toBe(true);
  });

  it.each([
    [{ ORCH_MAX_CONCURRENCY: 'two' }, 'ORCH_MAX_CONCURRENCY: must be a whole number'],
    [{ ORCH_MAX_CONCURRENCY: '0' }, 'ORCH_MAX_CONCURRENCY: must be between 1 and 64'],
    [{ ORCH_LOCALE: 'de' }, 'ORCH_LOCALE: must be one of en, ru'],
    [{ ORCH_TRACKER_MODE: 'replace' }, 'ORCH_TRACKER_MODE: must be one of edit, bump'],
    [{ ORCH_TELEGRAM_MODE: 'webhook' }, 'ORCH_TELEGRAM_WEBHOOK_SECRET: required when ORCH_TELEGRAM_MODE=webhook'],
    [{ TELEGRAM_API_ROOT: 'not a url' }, 'TELEGRAM_API_ROOT: must be an http(s) URL'],
    [{ ORCH_ADMIN_IDS: '1, x' }, 'ORCH_ADMIN_IDS: must be comma-separated Telegram user ids'],
    [{ ORCH_RECONCILE_ENABLED: 'maybe' }, 'ORCH_RECONCILE_ENABLED: must be true or false'],
    [{ ORCH_STAGING_INFRA_TOLERANCE_ENABLED: 'strict' }, 'ORCH_STAGING_INFRA_TOLERANCE_ENABLED: must be true or false'],
    [{ GITEA_URL: 'https://git.example.test' }, 'GITEA_TOKEN: required when GITEA_URL is set'],
    [{ GITEA_URL: 'https://git.example.test/api/v1', GITEA_TOKEN: 't' }, 'GITEA_URL: give the base URL without /api/v1'],
    [{ PLANE_API_URL: 'https://plane.example.test' }, 'PLANE_API_KEY: required when PLANE_API_URL is set'],
    [{ ORCH_RECONCILE_GRACE_REVIEW_S: '-1' }, 'ORCH_RECONCILE_GRACE_REVIEW_S: must be between 0 and 604800'],
    [{ TELEGRAM_BOT_TOKEN: 'nonsense' }, 'TELEGRAM_BOT_TOKEN: does not look like a bot token'],
    [{ ORCH_LEADER_TTL_S: '1' }, 'ORCH_LEADER_TTL_S: must be between 3 and 600'],
    [{ ORCH_LEADER_TTL_S: 'soon' }, 'ORCH_LEADER_TTL_S: must be a whole number'],
  ])('names the variable and what is wrong: %o', (env, expected) => {
    expect(problems(env).join('\n')).toContain(expected);
  });

  it('reads the test-only crash point: unset is inert, an unknown effect is refused by name', () => {
    expect(loadConfig({}).testCrashAfter).toBeNull();
    expect(loadConfig({ ORCH_TEST_CRASH_AFTER: 'approval-message' }).testCrashAfter).toBe('approval-message');
    expect(problems({ ORCH_TEST_CRASH_AFTER: 'everything' })).toEqual([
      'ORCH_TEST_CRASH_AFTER: must be one of push, pr, tracker-comment, approval-message, card, card-post, got "everything"',
    ]);
  });

  it('reads the leader lease TTL', () => {
    expect(loadConfig({ ORCH_LEADER_TTL_S: '30' }).leaderTtlS).toBe(30);
  });

  it('reports every problem at once', () => {
    expect(problems({ ORCH_LOCALE: 'de', ORCH_HTTP_PORT: '99999' })).toHaveLength(2);
  });

  it('never echoes a secret value in a problem', () => {
    const secret = 'super secret value';
    const text = problems({ GITEA_WEBHOOK_SECRET: secret, PLANE_API_KEY: secret }).join('\n');
    expect(text).not.toContain(secret);
    expect(text).toContain('GITEA_WEBHOOK_SECRET: contains white space (value not shown)');
  });

  it('parses per-stage grace and lists the secrets to scrub', () => {
    const config = loadConfig({
      ORCH_RECONCILE_GRACE_DEPLOY_STAGING_S: '30',
      TELEGRAM_BOT_TOKEN: '123456:ABCdefGhIJKlmnoPQRstuVWXyz',
      GITEA_URL: 'https://git.example.test/',
      GITEA_TOKEN: 'gitea-token-1',
      GITEA_WEBHOOK_SECRET: 'gitea-hook-secret',
    });
    expect(config.reconcile.graceByStage).toEqual({ 'deploy-staging': 30 });
    expect(config.gitea?.url).toBe('https://git.example.test');
    expect(secretsOf(config).sort()).toEqual(['123456:ABCdefGhIJKlmnoPQRstuVWXyz', 'gitea-hook-secret', 'gitea-token-1'].sort());
  });

  it('turns staging infra tolerance off with its kill switch', () => {
    expect(loadConfig({ ORCH_STAGING_INFRA_TOLERANCE_ENABLED: 'false' }).staging.infraToleranceEnabled).toBe(false);
  });
});
