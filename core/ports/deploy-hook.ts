/**
 * The production deploy hook and health command as core sees them (design §10 "Production",
 * ADR 0027). Both run on the Conveyor host with `sh -c`; the adapter (`adapters/deploy/`) gives the
 * hook exactly the §10 environment (plus PATH and HOME), never Conveyor's own settings or secrets.
 *
 * Expected outcomes are values; nothing here throws for a hook that fails or hangs.
 */

/** The §10 variables a hook run sees. */
export interface DeployHookEnv {
  /** The image to deploy: the validated staging image (or the previous one, to restore). */
  readonly sourceImage: string;
  /** `<deploy.image>:<sha>`. */
  readonly targetImage: string;
  /** The validated revision (full sha). */
  readonly expectedRevision: string;
  /** What production ran before; null on the first deploy (the variable is then empty). */
  readonly previousImage: string | null;
  readonly taskId: string;
  readonly projectId: string;
  /** The engine the hook should talk to (Conveyor's DOCKER_HOST). */
  readonly dockerHost: string;
}

/** One hook run. */
export interface DeployHookRequest {
  readonly hook: string;
  /** The task's worktree. */
  readonly cwd: string;
  readonly env: DeployHookEnv;
  readonly timeoutMs: number;
  /** stdout and stderr are appended here (one file per run, kept under the work dir). */
  readonly logFile: string;
  readonly signal?: AbortSignal;
}

/** How a supervised hook (or health command) run ended. */
export type HookRunEnd =
  | { readonly type: 'exited'; readonly code: number; readonly logTail: string; readonly durationMs: number }
  /** Stopped at its timeout (the whole process group was killed). */
  | { readonly type: 'timed-out'; readonly logTail: string; readonly durationMs: number }
  /** Stopped because Conveyor is shutting down. */
  | { readonly type: 'cancelled'; readonly logTail: string; readonly durationMs: number }
  /** Never ran (no shell, no working directory, log not writable). */
  | { readonly type: 'spawn-failed'; readonly error: string };

/** One health probe. */
export interface HealthProbeRequest {
  readonly command: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly logFile: string;
  readonly signal?: AbortSignal;
}

/** Names one hook run (its log and, when detached, its result files under the work dir). */
export interface DeployRunRef {
  readonly taskId: string;
  /** The deploy attempt this run belongs to. */
  readonly attempt: number;
  /** `deploy` (the approved deploy), `restore` (after failed health) or `rollback` (the button). */
  readonly purpose: DeployRunPurpose;
}

export type DeployRunPurpose = 'deploy' | 'restore' | 'rollback';

/** What the result files of one detached run say. */
export type SelfDeployState =
  /** The wrapper is still alive. */
  | { readonly type: 'running'; readonly pid: number; readonly startedAt: number }
  /** The wrapper wrote the hook's exit code and finish time. */
  | {
      readonly type: 'finished';
      readonly code: number;
      readonly startedAt: number;
      readonly finishedAt: number;
      readonly logTail: string;
    }
  /** Neither alive nor finished: the wrapper itself was killed (unknown state). */
  | { readonly type: 'vanished'; readonly startedAt: number; readonly logTail: string };

/** A detached run found on disk, not yet acknowledged. */
export interface PendingSelfDeploy extends DeployRunRef {
  readonly state: SelfDeployState;
}

/** Runs deploy hooks and health commands on the Conveyor host. */
export interface DeployHookPort {
  /** Run the hook in its own process group, killed as a whole at the timeout. Never rejects. */
  run(request: DeployHookRequest): Promise<HookRunEnd>;
  /** Run the health command once (`sh -c`, no deploy variables). Never rejects. */
  runHealth(request: HealthProbeRequest): Promise<HookRunEnd>;
  /**
   * Start the hook detached (its own session, outside Conveyor's process group) for a project with
   * `"self": true`: a wrapper records its pid, then the hook's exit code and finish time in result
   * files, so the outcome survives Conveyor being restarted by the hook.
   */
  startDetached(
    request: Omit<DeployHookRequest, 'signal' | 'logFile'>,
    run: DeployRunRef,
  ): Promise<
    | { readonly type: 'started'; readonly pid: number }
    | { readonly type: 'spawn-failed'; readonly error: string }
  >;
  /** The state of one detached run; null when no such run was started. */
  readSelfDeploy(run: DeployRunRef): Promise<SelfDeployState | null>;
  /** Every detached run not yet acknowledged (called at start to finish interrupted deploys). */
  listPendingSelfDeploys(): Promise<readonly PendingSelfDeploy[]>;
  /** Where a run of the hook (or its health probes) logs, under the work dir; one file per run. */
  logFile(run: DeployRunRef, kind: 'hook' | 'health'): string;
  /** Mark a detached run as handled, so a later start does not act on it again. */
  acknowledgeSelfDeploy(run: DeployRunRef): Promise<void>;
}
