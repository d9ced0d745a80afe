/**
 * The configuration for `conveyor doctor`: the real one when the environment is valid, otherwise
 * its problems and a fallback parsed without the variables they name, so one bad variable does not
 * hide the projects, database, Telegram and other checks.
 */
import type { Config } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';
import { loadConfigFromEnv } from './secret-files.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface DoctorConfig {
  /** null only when even the fallback failed. */
  readonly config: Config | null;
  readonly problems: readonly string[];
}

export function doctorConfig(env: Env): DoctorConfig {
  let problems: readonly string[] = [];
  let current: Record<string, string | undefined> = { ...env };
  for (let attempt = 0; attempt < 4; attempt += 1) {
    try {
      return { config: loadConfigFromEnv(current), problems };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (attempt === 0) problems = error.problems;
      // Drop every variable a problem names (`GITEA_TOKEN: required when GITEA_URL is set` drops both).
      const named = new Set(error.problems.flatMap((p) => p.match(/\b[A-Z][A-Z0-9_]{2,}\b/g) ?? []));
      const next = Object.fromEntries(
        Object.entries(current).filter(
          ([name]) => !named.has(name) && !named.has(name.replace(/_FILE$/, '')),
        ),
      );
      if (Object.keys(next).length === Object.keys(current).length) break;
      current = next;
    }
  }
  return { config: null, problems };
}
