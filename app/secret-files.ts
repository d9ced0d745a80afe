/**
 * Reading the `<NAME>_FILE` secrets (Docker/compose secrets convention) before configuration is
 * parsed: core/config/config.ts validates and does no IO, so the files are read here. A failed read
 * is reported by its error code only; a file's content never reaches a message.
 */
import { readFileSync } from 'node:fs';
import { FILE_SECRETS, loadConfig, type Config, type SecretFileRead, type SecretFileReads } from '../core/config/config.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Read every `<NAME>_FILE` that `env` sets. */
export function readSecretFiles(env: Env): SecretFileReads {
  const reads: Record<string, SecretFileRead> = {};
  for (const name of FILE_SECRETS) {
    const variable = `${name}_FILE`;
    const file = env[variable]?.trim();
    if (!file) continue;
    try {
      reads[variable] = { type: 'read', text: readFileSync(file, 'utf8') };
    } catch (error) {
      reads[variable] = { type: 'unreadable', reason: (error as NodeJS.ErrnoException).code ?? 'read failed' };
    }
  }
  return reads;
}

/** The configuration of `env`, with its secret files read. Throws ConfigError. */
export function loadConfigFromEnv(env: Env): Config {
  return loadConfig(env, readSecretFiles(env));
}
