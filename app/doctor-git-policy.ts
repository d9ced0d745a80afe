/**
 * `conveyor doctor`'s check of a project's `git` block: a configured signing key must be a
 * readable, unencrypted SSH private key that ssh-keygen accepts (git signs through ssh-keygen, and
 * a key it refuses fails every commit Conveyor makes). Read-only: `ssh-keygen -y` only prints the
 * public half, which is not shown either.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import type { ProjectConfig } from '../core/config/projects.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Problems with `project.git.signingKey`, each naming the field; none when signing is off. */
export function signingKeyProblems(project: ProjectConfig, env: Env): string[] {
  const key = project.git.signingKey;
  if (key === undefined) return [];
  const field = `projects[${project.id}].git.signingKey`;
  try {
    if (!statSync(key).isFile()) return [`${field}: ${key} is not a file (expected an SSH private key)`];
    accessSync(key, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [`${field}: cannot read ${key} (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`];
  }
  try {
    // -P '': an encrypted key fails here instead of waiting for a passphrase nobody will type.
    execFileSync('ssh-keygen', ['-y', '-P', '', '-f', key], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 10_000,
      env: { PATH: env.PATH ?? '/usr/bin:/bin' },
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer | string };
    if (e.code === 'ENOENT') return [`${field}: signing needs ssh-keygen (OpenSSH 8.2+) on PATH; it is not installed`];
    const reason = String(e.stderr ?? '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'ssh-keygen refused it';
    return [`${field}: ${key} is not a usable SSH private key (unencrypted, mode 0600): ${reason}`];
  }
  return [];
}
