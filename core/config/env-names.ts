/**
 * The `ORCH_*` variables Conveyor reads, in one place, so `conveyor doctor` can warn about a
 * misspelled one (a typo is otherwise silently ignored and the default used).
 */
import { ALL_STAGES } from '../domain/stage.ts';

/** Every `ORCH_*` variable core/config/config.ts reads (tests/unit keep this list true). */
export const KNOWN_ORCH_VARIABLES: readonly string[] = Object.freeze([
  'ORCH_TELEGRAM_MODE',
  'ORCH_TELEGRAM_WEBHOOK_SECRET',
  'ORCH_TELEGRAM_WEBHOOK_SECRET_FILE',
  'ORCH_PUBLIC_URL',
  'ORCH_HTTP_HOST',
  'ORCH_HTTP_PORT',
  'ORCH_METRICS_HOST',
  'ORCH_METRICS_PORT',
  'ORCH_DB_PATH',
  'ORCH_DATABASE_URL',
  'ORCH_DATABASE_URL_FILE',
  'ORCH_WORKDIR',
  'ORCH_PROJECTS_FILE',
  'ORCH_PROJECTS_JSON',
  'ORCH_LOCALE',
  'ORCH_TRACKER_MODE',
  'ORCH_MAX_CONCURRENCY',
  'ORCH_MAX_DEVELOPER_RETRIES',
  'ORCH_AGENT_TIMEOUT_S',
  'ORCH_MERGE_MAX_WAIT_S',
  'ORCH_ADMIN_IDS',
  'ORCH_RECONCILE_ENABLED',
  'ORCH_RECONCILE_PLANE_ENABLED',
  'ORCH_RECONCILE_TRACKER_ENABLED',
  'ORCH_RECONCILE_SKIP_BLOCKED_ENABLED',
  'ORCH_RECONCILE_INTERVAL_S',
  'ORCH_RECONCILE_GRACE_S',
  ...ALL_STAGES.map((stage) => `ORCH_RECONCILE_GRACE_${stage.toUpperCase().replace('-', '_')}_S`),
  'ORCH_LEADER_TTL_S',
  'ORCH_WORKER_KINDS',
  'ORCH_LOG_LEVEL',
  'ORCH_TEST_CRASH_AFTER',
  'ORCH_STAGING_INFRA_TOLERANCE_ENABLED',
  'ORCH_DASHBOARD_INIT_DATA_MAX_AGE_S',
  'ORCH_DASHBOARD_LINK_TTL_S',
]);

/** `ORCH_*` names set in `env` that Conveyor does not read. */
export function unknownOrchVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set(KNOWN_ORCH_VARIABLES);
  return Object.keys(env)
    .filter((name) => name.startsWith('ORCH_') && env[name] !== undefined && !known.has(name))
    .sort();
}
