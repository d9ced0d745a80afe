/**
 * Where deploy hook runs leave their traces under the work dir:
 * `<workDir>/deploys/<TASK>/<attempt>-<purpose>/` holds `hook.log`, `health.log` and, for a
 * detached (self-deploy) run, `started.json` (the wrapper's pid, start time and boot) and `result`
 * (`<exit code> <finish epoch seconds>`, written by the wrapper), then `acknowledged` once handled.
 */
import path from 'node:path';
import type { DeployRunPurpose, DeployRunRef } from '../../core/ports/deploy-hook.ts';

const PURPOSES: readonly DeployRunPurpose[] = ['deploy', 'restore', 'rollback'];

/** The folder of all deploy runs. */
export function deploysDir(workDir: string): string {
  return path.join(workDir, 'deploys');
}

/** The folder of one run. */
export function runDir(workDir: string, run: DeployRunRef): string {
  return path.join(deploysDir(workDir), run.taskId, `${run.attempt}-${run.purpose}`);
}

export const RUN_FILES = {
  hookLog: 'hook.log',
  healthLog: 'health.log',
  started: 'started.json',
  result: 'result',
  acknowledged: 'acknowledged',
} as const;

/** The run a folder `<TASK>/<attempt>-<purpose>` names, or null for anything else. */
export function parseRunDir(taskDir: string, name: string): DeployRunRef | null {
  const match = /^([1-9][0-9]{0,8})-([a-z]+)$/.exec(name);
  const purpose = PURPOSES.find((p) => p === match?.[2]);
  if (!match || !purpose || !/^[A-Z][A-Z0-9_]{0,19}-[1-9][0-9]{0,8}$/.test(taskDir)) return null;
  return { taskId: taskDir, attempt: Number(match[1]), purpose };
}

/** What `started.json` holds. */
export interface StartRecord {
  readonly pid: number;
  /** /proc start time of the wrapper (with the boot id, tells a reused pid apart). */
  readonly startTime: string | null;
  readonly bootId: string | null;
  readonly startedAt: number;
}

/** Parse `result`: `<code> <epoch seconds>`; null when unfinished or garbled. */
export function parseResult(text: string): { readonly code: number; readonly finishedAt: number } | null {
  const match = /^(\d{1,3}) (\d{1,12})\s*$/.exec(text);
  return match ? { code: Number(match[1]), finishedAt: Number(match[2]) * 1000 } : null;
}
