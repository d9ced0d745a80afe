/** The result of a project's local `ciCommand`. */
export interface LocalCiResult {
  readonly passed: boolean;
  /** The last lines of the output, for the developer's must-fix text. */
  readonly excerpt: string;
  readonly durationMs: number;
}

/** Runs a project's local CI command in a worktree. */
export interface CiRunnerPort {
  /** `projectId` chooses the user the command runs as (the project's `agentRunner.user`, as its agents). */
  run(command: string, cwd: string, timeoutMs: number, logFile: string, projectId: string): Promise<LocalCiResult>;
}
