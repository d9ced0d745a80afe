/**
 * DeployHookPort on the Conveyor host (design §10, ADR 0027): the hook runs with `sh -c` in the
 * task's worktree, in its own process group killed as a whole at its timeout, with exactly the
 * deploy variables (hook-env.ts); each run logs to its own file under the work dir. Self-deploy
 * runs are detached (self-deploy.ts).
 */
import path from 'node:path';
import type {
  DeployHookPort,
  DeployHookRequest,
  DeployRunRef,
  HealthProbeRequest,
  HookRunEnd,
  PendingSelfDeploy,
  SelfDeployState,
} from '../../core/ports/deploy-hook.ts';
import { runInProcessGroup, type GroupRunEnd } from '../agents/spawn-group.ts';
import { RUN_FILES, runDir } from './deploy-run-files.ts';
import { deployHookEnv, hostBasics } from './hook-env.ts';
import {
  acknowledgeDetachedHook,
  listDetachedHooks,
  readDetachedHook,
  startDetachedHook,
} from './self-deploy.ts';

/** Options of {@link ProcessDeployHook}. */
export interface ProcessDeployHookOptions {
  /** Conveyor's work dir (ORCH_WORKDIR): deploy logs and result files live under `deploys/`. */
  readonly workDir: string;
  /** The host environment; only PATH and HOME pass to a hook. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Between SIGTERM and SIGKILL at a timeout (ms). Default 5000. */
  readonly killGraceMs?: number;
}

/** The last ~30 lines of a hook's output: enough for the card and the must-fix text. */
const HOOK_TAIL = { maxLines: 30, maxChars: 3000 } as const;

export class ProcessDeployHook implements DeployHookPort {
  constructor(private readonly options: ProcessDeployHookOptions) {}

  async run(request: DeployHookRequest): Promise<HookRunEnd> {
    const end = await runInProcessGroup({
      command: request.hook,
      cwd: request.cwd,
      env: deployHookEnv(this.options.baseEnv, request.env),
      timeoutMs: request.timeoutMs,
      killGraceMs: this.options.killGraceMs ?? 5000,
      logFile: request.logFile,
      tail: HOOK_TAIL,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return toHookEnd(end);
  }

  async runHealth(request: HealthProbeRequest): Promise<HookRunEnd> {
    const end = await runInProcessGroup({
      command: request.command,
      cwd: request.cwd,
      env: hostBasics(this.options.baseEnv),
      timeoutMs: request.timeoutMs,
      killGraceMs: Math.min(this.options.killGraceMs ?? 5000, 2000),
      logFile: request.logFile,
      tail: HOOK_TAIL,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return toHookEnd(end);
  }

  async startDetached(
    request: Omit<DeployHookRequest, 'signal' | 'logFile'>,
    run: DeployRunRef,
  ): Promise<{ type: 'started'; pid: number } | { type: 'spawn-failed'; error: string }> {
    return startDetachedHook(
      this.options.workDir,
      run,
      request.hook,
      request.cwd,
      deployHookEnv(this.options.baseEnv, request.env),
    );
  }

  readSelfDeploy(run: DeployRunRef): Promise<SelfDeployState | null> {
    return readDetachedHook(this.options.workDir, run);
  }

  listPendingSelfDeploys(): Promise<readonly PendingSelfDeploy[]> {
    return listDetachedHooks(this.options.workDir);
  }

  logFile(run: DeployRunRef, kind: 'hook' | 'health'): string {
    return path.join(
      runDir(this.options.workDir, run),
      kind === 'hook' ? RUN_FILES.hookLog : RUN_FILES.healthLog,
    );
  }

  acknowledgeSelfDeploy(run: DeployRunRef): Promise<void> {
    return acknowledgeDetachedHook(this.options.workDir, run);
  }
}

function toHookEnd(end: GroupRunEnd): HookRunEnd {
  switch (end.type) {
    case 'exited':
      return { type: 'exited', code: end.code, logTail: end.tail, durationMs: end.durationMs };
    case 'timed-out':
    case 'cancelled':
      return { type: end.type, logTail: end.tail, durationMs: end.durationMs };
    case 'spawn-failed':
    case 'refused':
      return { type: 'spawn-failed', error: end.error };
  }
}
