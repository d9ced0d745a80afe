/**
 * AgentRunnerPort on local processes (design §4): the project's command line runs with `sh -c` in
 * the task's worktree, in its own process group, with the agent contract's ORCH_* variables and
 * without Conveyor's own settings and secrets. A run first stops any orphan an earlier run of the
 * same attempt left behind (same log file; see orphan-reaper.ts), so a reclaimed job never has
 * two live runs.
 *
 * With a `user`, the command runs as that uid:gid: the worktree and task file are handed to it for
 * the run and taken back afterwards (worktree-access.ts, ADR 0015). Without one the agent runs as
 * Conveyor itself and can read whatever Conveyor can.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import { childEnv } from './child-env.ts';
import { reapNote, reapOrphanedRun } from './orphan-reaper.ts';
import { pidFileOf } from './run-pid-file.ts';
import { runInProcessGroup } from './spawn-group.ts';
import { grantWorktree, revokeWorktree } from './worktree-access.ts';

/** Options of {@link ProcessAgentRunner}. */
export interface ProcessAgentRunnerOptions {
  /** The host environment agents inherit (API keys for the agent CLI, PATH, HOME…), before filtering. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Between SIGTERM and SIGKILL on timeout or cancel (ms). Default 5000. */
  readonly killGraceMs?: number;
  /** Run agents as this user instead of Conveyor's own (projects file `agentRunner.user`). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** The last ~20 non-empty lines, at most 2000 characters: enough for the card and `/status`. */
const AGENT_TAIL = { maxLines: 20, maxChars: 2000 } as const;

/** The variables every agent run sees (design §4). */
export function agentContractEnv(request: AgentRunRequest): Record<string, string> {
  return {
    ORCH_ROLE: request.role,
    ORCH_TASK_ID: request.taskId,
    ORCH_STAGE: request.stage,
    ORCH_ATTEMPT: String(request.attempt),
    ORCH_BRANCH: request.branch,
    ORCH_ARTIFACTS_DIR: request.artifactsDir,
    ORCH_TASK_FILE: request.taskFile,
    ORCH_PROMPT_FILE: request.promptFile,
  };
}

/** Runs agent command lines as local process groups. */
export class ProcessAgentRunner implements AgentRunnerPort {
  constructor(private readonly options: ProcessAgentRunnerOptions) {}

  async stopOrphan(logFile: string): Promise<boolean> {
    const outcome = await reapOrphanedRun(pidFileOf(logFile), this.options.killGraceMs ?? 5000);
    if (outcome.type === 'reaped') {
      await mkdir(dirname(logFile), { recursive: true });
      await appendFile(logFile, reapNote(outcome));
    }
    return outcome.type !== 'stuck';
  }

  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    const user = this.options.user;
    if (!user) return this.runAs(request);
    const paths = { worktree: request.cwd, taskFile: request.taskFile, promptFile: request.promptFile };
    try {
      await grantWorktree(paths, user.uid, user.gid);
    } catch (error) {
      await revokeWorktree(paths).catch(() => undefined);
      return { type: 'spawn-failed', error: `preparing the worktree for ${user.uid}:${user.gid}: ${(error as Error).message}` };
    }
    try {
      return await this.runAs(request, user);
    } finally {
      // Taken back before Conveyor commits: no agent of another task reaches an idle worktree.
      await revokeWorktree(paths);
    }
  }

  private async runAs(request: AgentRunRequest, user?: { readonly uid: number; readonly gid: number }): Promise<AgentRunOutcome> {
    const end = await runInProcessGroup({
      command: request.command,
      cwd: request.cwd,
      env: childEnv(this.options.baseEnv, agentContractEnv(request)),
      timeoutMs: request.timeoutMs,
      killGraceMs: this.options.killGraceMs ?? 5000,
      logFile: request.logFile,
      tail: AGENT_TAIL,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(user ? { user } : {}),
    });
    switch (end.type) {
      case 'exited':
        return { type: 'exited', code: end.code, logTail: end.tail, durationMs: end.durationMs };
      case 'timed-out':
      case 'cancelled':
        return { type: end.type, logTail: end.tail, durationMs: end.durationMs };
      case 'spawn-failed':
      case 'refused':
        // Both mean no run happened (or it was stopped at once): retried like any start failure.
        return { type: 'spawn-failed', error: end.error };
    }
  }
}
