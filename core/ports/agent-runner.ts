import type { Role, WorkStage } from '../domain/stage.ts';

/** Everything one agent run needs (design §4). */
export interface AgentRunRequest {
  /** Shell command template, run with `sh -c`. */
  readonly command: string;
  readonly cwd: string;
  /** The project the task belongs to: it chooses the runner (projects file `agentRunner`). */
  readonly projectId: string;
  readonly role: Role;
  readonly taskId: string;
  readonly stage: WorkStage;
  readonly attempt: number;
  readonly branch: string;
  readonly artifactsDir: string;
  readonly taskFile: string;
  readonly promptFile: string;
  readonly timeoutMs: number;
  /** Where stdout and stderr go. */
  readonly logFile: string;
  readonly signal?: AbortSignal;
}

/** How an agent run ended. Only `exited` with code 0 counts as finished. */
export type AgentRunOutcome =
  | { readonly type: 'exited'; readonly code: number; readonly logTail: string; readonly durationMs: number }
  | { readonly type: 'timed-out'; readonly logTail: string; readonly durationMs: number }
  | { readonly type: 'cancelled'; readonly logTail: string; readonly durationMs: number }
  | { readonly type: 'spawn-failed'; readonly error: string };

/** Runs agent command lines. */
export interface AgentRunnerPort {
  run(request: AgentRunRequest): Promise<AgentRunOutcome>;
  /**
   * Stop whatever an earlier run writing to `logFile` left running (a crash orphan), before the
   * worktree is touched again. `run` does it too; calling it first keeps the orphan's hands off
   * the worktree while it is being prepared. False when an orphan could not be stopped.
   */
  stopOrphan(logFile: string): Promise<boolean>;
}

/** Materialises prompts and task files outside the repository. */
export interface RunFilesPort {
  /** Absolute path of the role's prompt: the project's prompt dir if it has one, else the built-in default. */
  promptFile(projectId: string, role: Role, promptDir: string | undefined): Promise<string>;
  /** Write the task file for one run; returns its absolute path. */
  writeTaskFile(taskId: string, role: Role, attempt: number, markdown: string): Promise<string>;
  /** Absolute path of the log file for one run. */
  logFile(taskId: string, role: Role, attempt: number): string;
}

/**
 * How a project's agents are isolated (design §4, projects file `agentRunner`).
 * - process: `sh -c` on the host; with `user` ("uid:gid") the command runs as that user (needs root
 *   or CAP_SETUID), without it the agent runs as Conveyor itself and can read Conveyor's secrets.
 * - container: inside a container from `image` (dockerode), only the worktree and the task and prompt
 *   files mounted, no Docker socket, no Conveyor data; `user` defaults to 1000:1000, `network` to none.
 */
export type AgentRunnerConfig =
  | { readonly type: 'process'; readonly user?: string }
  | { readonly type: 'container'; readonly image: string; readonly network: string; readonly memoryMb?: number; readonly user: string };
