/**
 * The demo's Gitea Actions: a workflow `CI` with one job `test` that runs the repository's test
 * command on a pushed commit, checked out fresh. Gitea Actions reports it as the commit status
 * `CI / test (push)`, described "Successful in 1s" / "Failing after 1s".
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { exportTree } from './bare-repo.ts';

/** The context Gitea Actions gives a job's status: `<workflow> / <job> (<event>)`. */
export const ACTIONS_CONTEXT = 'CI / test (push)';

/** A finished run. */
export interface ActionsRun {
  readonly passed: boolean;
  /** Gitea's wording of the outcome. */
  readonly description: string;
}

/** Run `command` (with `sh -c`) on the tree of `sha`; a run that does not finish in `timeoutMs` fails. */
export async function runActionsJob(
  bare: string,
  sha: string,
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs = 30_000,
): Promise<ActionsRun> {
  const started = Date.now();
  const dir = await exportTree(bare, sha);
  try {
    const passed = await new Promise<boolean>((resolve) => {
      const child = spawn('sh', ['-c', command], {
        cwd: dir,
        env: { ...env, CI: 'true', GITEA_ACTIONS: 'true' },
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', () => resolve(false));
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
    });
    const seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
    return { passed, description: passed ? `Successful in ${seconds}s` : `Failing after ${seconds}s` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
