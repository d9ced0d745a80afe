/**
 * Environment configuration (design §6), parsed once at start into a frozen object. Nothing else
 * reads process.env. Every problem names the variable and what is wrong; secrets are never echoed.
 */
import { ConfigError } from '../errors.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { ALL_STAGES } from '../domain/stage.ts';
import { CRASH_EFFECTS, type CrashEffect } from '../fault/crash-point.ts';
import { checkDatabaseUrl, databaseUrlPassword } from './database-url.ts';
import { planeWebBase } from './plane-web-url.ts';
import type { JobKind } from '../queue/job.ts';
import { parseWorkerKinds } from './worker-kinds.ts';

export type TelegramMode = 'polling' | 'webhook';
export type TrackerMode = 'edit' | 'bump';
export type Locale = 'en' | 'ru';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Validated configuration. Optional integrations are null when not configured. */
export interface Config {
  readonly telegram: {
    /** Required by `start`; null lets `demo`, `migrate` and `doctor` run without one. */
    readonly botToken: string | null;
    readonly apiRoot: string;
    readonly mode: TelegramMode;
    readonly webhookSecret: string | null;
  };
  readonly publicUrl: string | null;
  readonly http: { readonly host: string; readonly port: number };
  /**
   * A listener of its own for `/metrics` (ORCH_METRICS_HOST, ORCH_METRICS_PORT), so scrapes need
   * not share the webhooks' exposure; null: `/metrics` is served on the webhook listener.
   */
  readonly metrics: { readonly host: string; readonly port: number } | null;
  /** ORCH_DB_PATH: the SQLite file, used when {@link Config.databaseUrl} is null. */
  readonly dbPath: string;
  /**
   * ORCH_DATABASE_URL (`postgres://…`): set → the store is PostgreSQL (ADR 0054); null → SQLite
   * at {@link Config.dbPath}. A secret (it carries the password): print only `redactDatabaseUrl`.
   */
  readonly databaseUrl: string | null;
  readonly workdir: string;
  readonly projectsFile: string;
  /** Inline projects JSON; wins over the file. */
  readonly projectsJson: string | null;
  readonly locale: Locale;
  readonly trackerMode: TrackerMode;
  readonly maxConcurrency: number;
  readonly maxDeveloperRetries: number;
  readonly agentTimeoutS: number;
  /** ORCH_MERGE_MAX_WAIT_S: how long a task may wait for its project's merge lease before escalating. */
  readonly mergeMaxWaitS: number;
  readonly adminIds: readonly number[];
  readonly gitea: { readonly url: string; readonly token: string; readonly webhookSecret: string | null } | null;
  /** The webhook secret alone (the listener can verify without API access). */
  readonly giteaWebhookSecret: string | null;
  /**
   * GitHub as forge (ADR 0041): GITHUB_API_URL (default https://api.github.com; GitHub Enterprise:
   * `https://<host>/api/v3`) and GITHUB_TOKEN. Null without a token.
   */
  readonly github: { readonly apiUrl: string; readonly token: string } | null;
  /** GITHUB_WEBHOOK_SECRET: `/webhooks/github` refuses every delivery (401) without it. */
  readonly githubWebhookSecret: string | null;
  readonly plane: {
    readonly apiUrl: string;
    /** Browser base for work item links: PLANE_WEB_URL, else derived from PLANE_API_URL (ADR 0045). */
    readonly webUrl: string;
    readonly apiKey: string;
    readonly workspace: string;
  } | null;
  readonly planeWebhookSecret: string | null;
  /**
   * ORCH_LEADER_TTL_S (default 15): the leader lease's lifetime without renewal (ADR 0052). The
   * leader renews it every TTL/3; when the leader dies another `start` takes over within about a TTL.
   */
  readonly leaderTtlS: number;
  /** ORCH_WORKER_KINDS (ADR 0055): the job kinds this process's workers claim; default all, empty with `none`. */
  readonly workerKinds: readonly JobKind[];
  readonly reconcile: {
    readonly enabled: boolean;
    /**
     * The reconciler's tracker side (Plane and GitHub Issues): ORCH_RECONCILE_TRACKER_ENABLED, or
     * its old name ORCH_RECONCILE_PLANE_ENABLED (both set must agree). Default true.
     */
    readonly planeEnabled: boolean;
    readonly skipBlockedEnabled: boolean;
    readonly intervalS: number;
    readonly graceS: number;
    /** Per-stage grace overrides (ORCH_RECONCILE_GRACE_<STAGE>_S). */
    readonly graceByStage: Readonly<Record<string, number>>;
  };
  readonly logLevel: LogLevel;
  /**
   * TEST ONLY (ORCH_TEST_CRASH_AFTER): SIGKILL this process right after the named side effect,
   * before its commit (core/fault/crash-point.ts). The fault suite sets it; never set it in a
   * deployment. Null (unset) makes every crash point a no-op.
   */
  readonly testCrashAfter: CrashEffect | null;
  /** The Mini App dashboard (docs/dashboard.md). */
  readonly dashboard: {
    /** ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S: the oldest Telegram `initData` (`auth_date`) accepted. */
    readonly initDataMaxAgeS: number;
    /** ORCH_DASHBOARD_LINK_TTL_S: how long a `/dash` link stays valid. */
    readonly linkTtlS: number;
  };
  readonly staging: {
    /** ORCH_STAGING_INFRA_TOLERANCE_ENABLED: false = every project's staging is strict (no waived checks). */
    readonly infraToleranceEnabled: boolean;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Secrets that may also come from a file: `<NAME>_FILE` holds its path (the Docker/compose secrets
 * convention), so the secret need not sit in the process environment at all.
 */
export const FILE_SECRETS = [
  'TELEGRAM_BOT_TOKEN',
  'ORCH_TELEGRAM_WEBHOOK_SECRET',
  'GITEA_TOKEN',
  'GITEA_WEBHOOK_SECRET',
  'GITHUB_TOKEN',
  'GITHUB_WEBHOOK_SECRET',
  'PLANE_API_KEY',
  'PLANE_WEBHOOK_SECRET',
  'ORCH_DATABASE_URL',
] as const;

/** What reading one `<NAME>_FILE` gave (app/secret-files.ts reads them; this module does no IO). */
export type SecretFileRead = { readonly type: 'read'; readonly text: string } | { readonly type: 'unreadable'; readonly reason: string };

/** Reads of `<NAME>_FILE` paths, keyed by the `_FILE` variable's name. */
export type SecretFileReads = Readonly<Record<string, SecretFileRead>>;

/** Parse and validate; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env, secretFiles: SecretFileReads = {}): Config {
  const problems: string[] = [];
  const r = new Reader(withSecretFiles(env, secretFiles, problems), problems);

  const mode = r.oneOf('ORCH_TELEGRAM_MODE', ['polling', 'webhook'] as const, 'polling');
  const webhookSecret = r.secret('ORCH_TELEGRAM_WEBHOOK_SECRET');
  if (mode === 'webhook' && !webhookSecret) problems.push('ORCH_TELEGRAM_WEBHOOK_SECRET: required when ORCH_TELEGRAM_MODE=webhook');
  const publicUrl = r.url('ORCH_PUBLIC_URL');
  if (mode === 'webhook' && !publicUrl) problems.push('ORCH_PUBLIC_URL: required when ORCH_TELEGRAM_MODE=webhook (Telegram must reach the listener)');
  const botToken = r.secret('TELEGRAM_BOT_TOKEN');
  if (botToken !== null && !/^\d+:[\w-]{20,}$/.test(botToken)) problems.push('TELEGRAM_BOT_TOKEN: does not look like a bot token (<digits>:<secret>)');

  const giteaUrl = r.url('GITEA_URL');
  const giteaToken = r.secret('GITEA_TOKEN');
  const giteaWebhookSecret = r.secret('GITEA_WEBHOOK_SECRET');
  if (giteaUrl && !giteaToken) problems.push('GITEA_TOKEN: required when GITEA_URL is set');
  if (giteaToken && !giteaUrl) problems.push('GITEA_URL: required when GITEA_TOKEN is set');
  if (giteaUrl && /\/api\/v1\/?$/.test(giteaUrl)) problems.push('GITEA_URL: give the base URL without /api/v1');

  const githubApiUrl = r.url('GITHUB_API_URL');
  const githubToken = r.secret('GITHUB_TOKEN');
  const githubWebhookSecret = r.secret('GITHUB_WEBHOOK_SECRET');
  if (githubApiUrl && !githubToken) problems.push('GITHUB_TOKEN: required when GITHUB_API_URL is set');
  // The tracker side covers Plane and GitHub Issues; ORCH_RECONCILE_PLANE_ENABLED is its old name.
  const planeSide = r.bool('ORCH_RECONCILE_PLANE_ENABLED', true);
  const trackerSide = r.bool('ORCH_RECONCILE_TRACKER_ENABLED', planeSide);
  if (r.string('ORCH_RECONCILE_TRACKER_ENABLED') !== null && r.string('ORCH_RECONCILE_PLANE_ENABLED') !== null && trackerSide !== planeSide)
    problems.push('ORCH_RECONCILE_TRACKER_ENABLED: disagrees with ORCH_RECONCILE_PLANE_ENABLED, its old name; set only ORCH_RECONCILE_TRACKER_ENABLED');

  const planeApiUrl = r.url('PLANE_API_URL');
  const planeKey = r.secret('PLANE_API_KEY');
  const planeWorkspace = r.string('PLANE_WORKSPACE');
  const planeWebhookSecret = r.secret('PLANE_WEBHOOK_SECRET');
  const planeWebUrl = r.url('PLANE_WEB_URL');
  if (planeApiUrl && (!planeKey || !planeWorkspace)) problems.push(`${!planeKey ? 'PLANE_API_KEY' : 'PLANE_WORKSPACE'}: required when PLANE_API_URL is set`);
  if (!planeApiUrl && (planeKey || planeWorkspace)) problems.push('PLANE_API_URL: required when PLANE_API_KEY or PLANE_WORKSPACE is set');
  if (planeApiUrl && /\/api\/v1\/?$/.test(planeApiUrl)) problems.push('PLANE_API_URL: give the base URL without /api/v1');

  const databaseUrlValue = r.secret('ORCH_DATABASE_URL');
  const databaseUrlCheck = databaseUrlValue === null ? null : checkDatabaseUrl(databaseUrlValue);
  if (databaseUrlCheck?.type === 'invalid') problems.push(`ORCH_DATABASE_URL: ${databaseUrlCheck.reason}`);

  const http = { host: r.string('ORCH_HTTP_HOST') ?? '127.0.0.1', port: r.int('ORCH_HTTP_PORT', 8080, 0, 65_535) };
  const metricsHost = r.string('ORCH_METRICS_HOST');
  const metricsPort = r.int('ORCH_METRICS_PORT', null, 0, 65_535);
  if (metricsHost !== null && metricsPort === null) problems.push('ORCH_METRICS_PORT: required when ORCH_METRICS_HOST is set (e.g. ORCH_METRICS_PORT=9464)');
  if (metricsPort !== null && metricsPort !== 0 && metricsPort === http.port && (metricsHost ?? '127.0.0.1') === http.host) {
    problems.push(`ORCH_METRICS_PORT: ${metricsPort} is the webhook listener's port (ORCH_HTTP_PORT); leave both ORCH_METRICS_* unset to serve /metrics there`);
  }

  const graceByStage: Record<string, number> = {};
  for (const stage of ALL_STAGES) {
    const name = `ORCH_RECONCILE_GRACE_${stage.toUpperCase().replace('-', '_')}_S`;
    const value = r.int(name, null, 0, 86_400 * 7);
    if (value !== null) graceByStage[stage] = value;
  }

  const workerKinds = parseWorkerKinds(r.string('ORCH_WORKER_KINDS'));
  if (workerKinds.type === 'invalid') problems.push(workerKinds.problem);

  const config: Config = {
    telegram: {
      botToken,
      apiRoot: r.url('TELEGRAM_API_ROOT') ?? 'https://api.telegram.org',
      mode,
      webhookSecret,
    },
    publicUrl,
    http,
    metrics: metricsPort === null ? null : { host: metricsHost ?? '127.0.0.1', port: metricsPort },
    dbPath: r.string('ORCH_DB_PATH') ?? './data/conveyor.db',
    databaseUrl: databaseUrlCheck?.type === 'ok' ? databaseUrlCheck.url : null,
    workdir: r.string('ORCH_WORKDIR') ?? './data/work',
    projectsFile: r.string('ORCH_PROJECTS_FILE') ?? './projects.json',
    projectsJson: r.string('ORCH_PROJECTS_JSON'),
    locale: r.oneOf('ORCH_LOCALE', ['en', 'ru'] as const, 'en'),
    trackerMode: r.oneOf('ORCH_TRACKER_MODE', ['edit', 'bump'] as const, 'edit'),
    maxConcurrency: r.int('ORCH_MAX_CONCURRENCY', 2, 1, 64),
    maxDeveloperRetries: r.int('ORCH_MAX_DEVELOPER_RETRIES', 3, 0, 100),
    agentTimeoutS: r.int('ORCH_AGENT_TIMEOUT_S', 1800, 1, 86_400),
    mergeMaxWaitS: r.int('ORCH_MERGE_MAX_WAIT_S', 21_600, 1, 86_400 * 7),
    adminIds: r.ids('ORCH_ADMIN_IDS'),
    gitea: giteaUrl && giteaToken ? { url: stripSlash(giteaUrl), token: giteaToken, webhookSecret: giteaWebhookSecret } : null,
    giteaWebhookSecret,
    github: githubToken ? { apiUrl: stripSlash(githubApiUrl ?? 'https://api.github.com'), token: githubToken } : null,
    githubWebhookSecret,
    plane:
      planeApiUrl && planeKey && planeWorkspace
        ? { apiUrl: stripSlash(planeApiUrl), webUrl: planeWebBase(planeWebUrl, planeApiUrl), apiKey: planeKey, workspace: planeWorkspace }
        : null,
    planeWebhookSecret,
    leaderTtlS: r.int('ORCH_LEADER_TTL_S', 15, 3, 600),
    workerKinds: workerKinds.type === 'kinds' ? workerKinds.kinds : [],
    reconcile: {
      enabled: r.bool('ORCH_RECONCILE_ENABLED', true),
      planeEnabled: trackerSide,
      skipBlockedEnabled: r.bool('ORCH_RECONCILE_SKIP_BLOCKED_ENABLED', true),
      intervalS: r.int('ORCH_RECONCILE_INTERVAL_S', 60, 1, 86_400),
      graceS: r.int('ORCH_RECONCILE_GRACE_S', 300, 0, 86_400 * 7),
      graceByStage,
    },
    logLevel: r.oneOf('ORCH_LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
    testCrashAfter: r.string('ORCH_TEST_CRASH_AFTER') === null ? null : r.oneOf('ORCH_TEST_CRASH_AFTER', CRASH_EFFECTS, 'push'),
    dashboard: {
      initDataMaxAgeS: r.int('ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S', 86_400, 10, 86_400 * 7),
      linkTtlS: r.int('ORCH_DASHBOARD_LINK_TTL_S', 600, 10, 86_400),
    },
    staging: { infraToleranceEnabled: r.bool('ORCH_STAGING_INFRA_TOLERANCE_ENABLED', true) },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** The values that must never appear in logs, errors or chat. */
export function secretsOf(config: Config): string[] {
  return [
    config.telegram.botToken,
    config.telegram.webhookSecret,
    config.gitea?.token,
    config.giteaWebhookSecret,
    config.github?.token,
    config.githubWebhookSecret,
    config.plane?.apiKey,
    config.planeWebhookSecret,
    config.databaseUrl,
    config.databaseUrl === null ? null : databaseUrlPassword(config.databaseUrl),
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** `env` with each `<NAME>_FILE` secret resolved to `<NAME>`; never puts a secret in a problem. */
function withSecretFiles(env: Env, reads: SecretFileReads, problems: string[]): Env {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of FILE_SECRETS) {
    const fileVariable = `${name}_FILE`;
    delete resolved[fileVariable];
    const path = env[fileVariable]?.trim();
    if (!path) continue;
    if (env[name]?.trim()) {
      problems.push(`${name} and ${fileVariable}: both are set; set only one`);
      continue;
    }
    const read = reads[fileVariable];
    if (!read) {
      problems.push(`${fileVariable}: the file was not read (internal error)`);
    } else if (read.type === 'unreadable') {
      problems.push(`${fileVariable}: cannot read the file it names (${read.reason})`);
    } else {
      const value = read.text.replace(/(\r?\n)+$/, '');
      if (value.trim() === '') problems.push(`${fileVariable}: the file it names is empty`);
      else resolved[name] = value;
    }
  }
  return resolved;
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(name: string): string | null {
    const raw = this.env[name];
    if (raw === undefined) return null;
    const value = raw.trim();
    return value === '' ? null : value;
  }

  secret(name: string): string | null {
    const value = this.string(name);
    if (value !== null && /\s/.test(value)) {
      this.problems.push(`${name}: contains white space (value not shown)`);
      return null;
    }
    return value;
  }

  url(name: string): string | null {
    const value = this.string(name);
    if (value === null) return null;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return value;
    } catch {
      // Not echoed: a URL may carry credentials (https://user:token@host).
      this.problems.push(`${name}: must be an http(s) URL such as https://example.com (value not shown)`);
      return null;
    }
  }

  int<D extends number | null>(name: string, fallback: D, min: number, max: number): number | D {
    const value = this.string(name);
    if (value === null) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${name}: must be a whole number, got "${value}"`);
      return fallback;
    }
    const n = Number(value);
    if (n < min || n > max) {
      this.problems.push(`${name}: must be between ${min} and ${max}, got ${n}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: must be true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === null) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: must be one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  ids(name: string): number[] {
    const value = this.string(name);
    if (value === null) return [];
    const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = parts.filter((p) => !/^\d+$/.test(p));
    if (bad.length > 0) {
      this.problems.push(`${name}: must be comma-separated Telegram user ids, got "${bad.join(', ')}"`);
      return [];
    }
    return parts.map(Number);
  }
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

