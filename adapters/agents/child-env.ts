/**
 * The environment of a child Conveyor starts (agent or CI command): the host environment minus
 * Conveyor's own settings and secrets, plus what the child is meant to see.
 */

/**
 * Prefixes of variables that belong to Conveyor: the bot token, forge and tracker keys, ORCH_*
 * settings (ORCH_DATABASE_URL carries the database password), and CONVEYOR_* deployment values
 * (Compose's `.env` passes CONVEYOR_PG_PASSWORD and the staging bot token to the container).
 */
export const WITHHELD_PREFIXES = ['TELEGRAM_', 'GITEA_', 'GITHUB_', 'PLANE_', 'ORCH_', 'CONVEYOR_'] as const;

/** True when `key` must never reach a child process. */
export function isWithheld(key: string): boolean {
  const upper = key.toUpperCase();
  return WITHHELD_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** `baseEnv` without withheld keys or undefined values, then `extra` on top. */
export function childEnv(baseEnv: Readonly<Record<string, string | undefined>>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (value !== undefined && !isWithheld(key)) env[key] = value;
  }
  return { ...env, ...extra };
}
