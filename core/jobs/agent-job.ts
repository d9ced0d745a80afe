/**
 * Run one agent attempt (design §4): prepare the worktree, write the task file, run the command,
 * commit what it left and push, read the stage's artefact, and hand the facts to the engine.
 * A non-zero exit or a timeout is an infrastructure failure (retried, then the task escalates),
 * never a gate verdict.
 */
import { agentCommand } from '../config/projects.ts';
import type { Role, WorkStage } from '../domain/stage.ts';
import { STAGE_SPECS } from '../domain/stage.ts';
import { artifactsDirOf } from '../domain/task.ts';
import { PermanentError, RetryableError } from '../errors.ts';
import { renderTaskFile } from '../engine/task-file.ts';
import type { JobHandler } from '../queue/worker-pool.ts';
import { crashPoint } from '../fault/crash-point.ts';
import { jobSubject, type JobDeps } from './job-deps.ts';

export function agentJob(deps: JobDeps): JobHandler {
  return {
    async run(job, signal) {
      const { task, project } = await jobSubject(deps, job);
      const role = job.payload.role as Role;
      const attempt = Number(job.payload.attempt);
      const stage = job.payload.stage as WorkStage;
      if (task.stage !== stage || (task.attempts[role] ?? 0) !== attempt || task.escalated) {
        return { type: 'done' }; // superseded while queued: nothing to run
      }
      const logFile = deps.runFiles.logFile(task.id, role, attempt);
      // A crash may have left this attempt's previous run alive: stop it before touching the worktree.
      if (!(await deps.agents.stopOrphan(logFile))) throw new RetryableError(`an earlier ${role} run for ${task.id} could not be stopped`);
      const worktree = await deps.workspace.prepare(project, task.id);
      const taskFile = await deps.runFiles.writeTaskFile(task.id, role, attempt, renderTaskFile(task, role, attempt));
      const promptFile = await deps.runFiles.promptFile(project.id, role, project.promptDir);
      const outcome = await deps.agents.run({
        command: agentCommand(project, role),
        cwd: worktree.path,
        projectId: project.id,
        role,
        taskId: task.id,
        stage,
        attempt,
        branch: worktree.branch,
        artifactsDir: artifactsDirOf(task.id),
        taskFile,
        promptFile,
        timeoutMs: deps.agentTimeoutMs,
        logFile,
        signal,
      });
      if (outcome.type === 'spawn-failed') throw new RetryableError(`starting ${role} for ${task.id}: ${outcome.error}`);
      if (outcome.type === 'cancelled') throw new RetryableError(`${role} for ${task.id} was cancelled`);
      if (outcome.type === 'timed-out') throw new RetryableError(`${role} for ${task.id} timed out after ${Math.round(outcome.durationMs / 1000)} s`);
      // The shell's "command not found": retrying cannot help until someone installs the program.
      if (outcome.code === 127) throw new PermanentError(commandNotFound(project, role));
      if (outcome.code !== 0) throw new RetryableError(`${role} for ${task.id} exited ${outcome.code}: ${lastLine(outcome.logTail)}`);
      const pushed = await deps.workspace.commitAndPush(project, task.id, `${task.id} ${role}: attempt ${attempt}`);
      crashPoint('push');
      const artifactName = STAGE_SPECS[stage].artifact;
      const artifacts: Record<string, string | null> = {};
      if (artifactName) artifacts[artifactName] = await deps.workspace.readFile(project, task.id, `${artifactsDirOf(task.id)}/${artifactName}`);
      return {
        type: 'done',
        event: {
          type: 'AgentRunFinished',
          key: `job:${job.id}:finished`,
          taskId: task.id,
          jobId: job.id,
          facts: { role, attempt, headSha: pushed.headSha, artifacts, logTail: outcome.logTail },
        },
      };
    },
  };
}

/** "agent command not found: claude (projects[SHOP].agents.default)". */
function commandNotFound(project: { readonly id: string; readonly agents: Readonly<Partial<Record<Role | 'default', string>>> }, role: Role): string {
  const key = project.agents[role] ? role : 'default';
  const program = (project.agents[key] ?? '').trim().split(/\s+/).find((token) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(token)) ?? '';
  return `agent command not found: ${program} (projects[${project.id}].agents.${key})`;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}
