/**
 * CiRunnerPort on local processes: a project's `ciCommand` runs with `sh -c` in the worktree, in
 * its own process group (killed whole on timeout), with the same filtered environment as agents.
 * Exit 0 passes; anything else, a timeout included, fails with the end of the output as excerpt.
 * Like an agent run, a CI run first stops an orphan of an earlier run with the same log file (a
 * CI job reclaimed after a crash); when that orphan cannot be stopped (or the run cannot be
 * recorded) the run rejects with a RetryableError instead of reporting a red build: nothing was tested.
 *
 * A project whose agents run as another user runs its CI as that user too: the command executes
 * code the agent wrote, so it gets no more than the agent (ADR 0015).
 */
import { childEnv } from '../agents/child-env.ts';
import { runInProcessGroup } from '../agents/spawn-group.ts';
import { handWorktreeTo, takeWorktreeBack } from '../agents/worktree-access.ts';
import { RetryableError } from '../../core/errors.ts';
import type { CiRunnerPort, LocalCiResult } from '../../core/ports/ci-runner.ts';

/** Options of {@link LocalCiRunner}. */
export interface LocalCiRunnerOptions {
  /** The host environment CI commands inherit, before filtering out Conveyor's own variables. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Between SIGTERM and SIGKILL on timeout (ms). Default 5000. */
  readonly killGraceMs?: number;
  /** The user a project's CI runs as (its `agentRunner.user`); undefined: Conveyor's own. */
  readonly userOf?: (projectId: string) => { readonly uid: number; readonly gid: number } | undefined;
}

/** The last 40 lines, at most 4000 characters: what the developer's must-fix text quotes. */
const CI_EXCERPT = { maxLines: 40, maxChars: 4000 } as const;

/** Runs a project's local CI command. */
export class LocalCiRunner implements CiRunnerPort {
  constructor(private readonly options: LocalCiRunnerOptions) {}

  /**
   * Run `command` in `cwd`. Rejects (RetryableError) only when the run cannot be supervised: an
   * earlier run's orphan survived SIGKILL, or the run record could not be written.
   */
  async run(command: string, cwd: string, timeoutMs: number, logFile: string, projectId: string): Promise<LocalCiResult> {
    const user = this.options.userOf?.(projectId);
    if (!user) return this.runAs(command, cwd, timeoutMs, logFile);
    try {
      await handWorktreeTo(cwd, user.uid, user.gid);
      return await this.runAs(command, cwd, timeoutMs, logFile, user);
    } finally {
      await takeWorktreeBack(cwd);
    }
  }

  private async runAs(command: string, cwd: string, timeoutMs: number, logFile: string, user?: { readonly uid: number; readonly gid: number }): Promise<LocalCiResult> {
    const started = Date.now();
    const end = await runInProcessGroup({
      command,
      cwd,
      // Test runners behave non-interactively (no watch mode) when CI is set.
      env: childEnv({ CI: 'true', ...this.options.baseEnv }),
      timeoutMs,
      killGraceMs: this.options.killGraceMs ?? 5000,
      logFile,
      tail: CI_EXCERPT,
      ...(user ? { user } : {}),
    });
    switch (end.type) {
      case 'exited':
        return { passed: end.code === 0, excerpt: end.tail || (end.code === 0 ? '' : `CI command exited with code ${end.code} and printed nothing`), durationMs: end.durationMs };
      case 'timed-out':
        return { passed: false, excerpt: withHeader(`CI command timed out after ${formatDuration(timeoutMs)} and was killed`, end.tail), durationMs: end.durationMs };
      case 'cancelled':
        return { passed: false, excerpt: withHeader('CI command was cancelled', end.tail), durationMs: end.durationMs };
      case 'spawn-failed':
        return { passed: false, excerpt: `CI command could not start: ${end.error}`, durationMs: Date.now() - started };
      case 'refused':
        throw new RetryableError(`running CI in ${cwd}: ${end.error}`);
    }
  }
}

/** A header line above the output tail, the whole still within the excerpt's line and character limits. */
function withHeader(header: string, tail: string): string {
  let lines = tail ? tail.split('\n').slice(-(CI_EXCERPT.maxLines - 1)) : [];
  const room = CI_EXCERPT.maxChars - header.length - 1;
  while (lines.length > 1 && lines.join('\n').length > room) lines = lines.slice(1);
  const body = lines.join('\n');
  return body ? `${header}\n${body.slice(Math.max(0, body.length - room))}` : header;
}

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
