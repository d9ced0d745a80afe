/**
 * AgentRunnerPort in containers (design §4 "Isolation", ADR 0018): the project's command runs with
 * `sh -c` inside a container from the project's image, as a non-root user, with only the task's
 * worktree (read-write) and its task and prompt files (read-only) mounted at their host paths, the
 * agent contract's ORCH_* variables, no Docker socket and nothing of Conveyor's data dir or
 * environment. The container is named after the run's log file, so a run after a crash finds and
 * removes what the crashed one left (stopOrphan).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeError } from '../../core/errors.ts';
import type { AgentRunnerConfig, AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { LogTail } from './log-tail.ts';
import { agentContractEnv } from './process-agent-runner.ts';
import { newRunId, RUN_ID_VARIABLE } from './run-pid-file.ts';
import { grantWorktree, revokeWorktree, type RunPaths } from './worktree-access.ts';

/** Label on every agent container; its value is the run key (a hash of the log file's path). */
export const AGENT_RUN_LABEL = 'io.conveyor.agent-run';

/** The last ~20 lines, at most 2000 characters (as the process runner keeps). */
const AGENT_TAIL = { maxLines: 20, maxChars: 2000 } as const;

/** Options of {@link ContainerAgentRunner}. */
export interface ContainerAgentRunnerOptions {
  readonly docker: DockerPort;
  readonly config: Extract<AgentRunnerConfig, { type: 'container' }>;
  /** Hands the worktree to the agent user; default {@link grantWorktree}. */
  readonly grant?: (paths: RunPaths, uid: number, gid: number) => Promise<void>;
}

/** The stable key of the run writing `logFile`. */
export function agentRunKey(logFile: string): string {
  return createHash('sha256').update(logFile).digest('hex').slice(0, 20);
}

/** The container name of the run writing `logFile`. */
export function agentContainerName(logFile: string): string {
  return `conveyor-agent-${agentRunKey(logFile)}`;
}

/** `uid:gid` → numbers; null for anything else, and for root. */
export function parseAgentUser(user: string): { uid: number; gid: number } | null {
  const match = /^(\d+):(\d+)$/.exec(user.trim());
  if (!match) return null;
  const uid = Number(match[1]);
  const gid = Number(match[2]);
  return uid === 0 || gid === 0 ? null : { uid, gid };
}

/** Runs agent command lines in containers. */
export class ContainerAgentRunner implements AgentRunnerPort {
  constructor(private readonly options: ContainerAgentRunnerOptions) {}

  async stopOrphan(logFile: string): Promise<boolean> {
    const name = agentContainerName(logFile);
    try {
      const state = await this.options.docker.containerState(name);
      if (!state) return true;
      await this.options.docker.removeContainer(name);
      await mkdir(dirname(logFile), { recursive: true });
      await appendFile(logFile, `[conveyor] removed container ${name}, left ${state.running ? 'running' : 'behind'} by an earlier run of this attempt\n`);
      return true;
    } catch {
      return false;
    }
  }

  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    const { config, docker } = this.options;
    const user = parseAgentUser(config.user);
    if (!user) return { type: 'spawn-failed', error: `agentRunner.user must be a non-root "uid:gid" (got ${JSON.stringify(config.user)})` };
    const paths = { worktree: request.cwd, taskFile: request.taskFile, promptFile: request.promptFile };
    const started = Date.now();
    const runId = newRunId();
    try {
      try {
        await (this.options.grant ?? grantWorktree)(paths, user.uid, user.gid);
      } catch (error) {
        return { type: 'spawn-failed', error: `giving the worktree to ${config.user} (Conveyor needs root, or to run as that user): ${describeError(error)}` };
      }
      const result = await docker.runToCompletion(
        {
          name: agentContainerName(request.logFile),
          image: config.image,
          env: { ...agentContractEnv(request), [RUN_ID_VARIABLE]: runId },
          command: ['sh', '-c', request.command],
          workingDir: request.cwd,
          networkMode: config.network,
          ...(config.memoryMb ? { memoryMb: config.memoryMb } : {}),
          user: `${user.uid}:${user.gid}`,
          mounts: [
            { source: request.cwd, target: request.cwd, readOnly: false },
            // Conveyor runs git here after the run: a rewritten `.git` (another gitdir, a config with
            // hooks or an fsmonitor command) would hand the agent Conveyor's rights. Read-only.
            ...(existsSync(join(request.cwd, '.git')) ? [{ source: join(request.cwd, '.git'), target: join(request.cwd, '.git'), readOnly: true }] : []),
            { source: request.taskFile, target: request.taskFile, readOnly: true },
            { source: request.promptFile, target: request.promptFile, readOnly: true },
          ],
          labels: { [AGENT_RUN_LABEL]: agentRunKey(request.logFile), 'io.conveyor.task': request.taskId, 'io.conveyor.role': request.role, 'io.conveyor.run-id': runId },
          init: true,
          hardened: true,
        },
        { timeoutMs: request.timeoutMs, logFile: request.logFile, ...(request.signal ? { signal: request.signal } : {}) },
      );
      const tail = new LogTail(AGENT_TAIL);
      tail.push('out', Buffer.from(result.output));
      const logTail = tail.text();
      if (result.timedOut) return { type: 'timed-out', logTail, durationMs: result.durationMs };
      if (request.signal?.aborted) return { type: 'cancelled', logTail, durationMs: result.durationMs };
      return { type: 'exited', code: result.exitCode, logTail, durationMs: result.durationMs };
    } catch (error) {
      if (request.signal?.aborted) return { type: 'cancelled', logTail: '', durationMs: Date.now() - started };
      return { type: 'spawn-failed', error: `running the agent container from ${config.image}: ${describeError(error)}` };
    } finally {
      // Without this, git (run by Conveyor) refuses the worktree as owned by someone else.
      await revokeWorktree(paths).catch((error: unknown) =>
        appendFile(request.logFile, `[conveyor] could not give the worktree back to Conveyor: ${describeError(error)}\n`).catch(() => undefined),
      );
    }
  }
}
