/**
 * One AgentRunnerPort for the jobs that dispatches each run to its project's runner (the jobs hold
 * one port; projects choose process or container). A run names its task; an orphan check names
 * only a log file, whose directory is the task's (`logs/<task id>/…`, file-run-files.ts); a task
 * that cannot be resolved goes to the process runner.
 */
import path from 'node:path';
import type { AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import { DockerodeDocker } from '../docker/dockerode-docker.ts';
import { agentRunnerSelector, type AgentRunnerProject } from './agent-runner-selector.ts';
import { ProcessAgentRunner } from './process-agent-runner.ts';

/** Options of {@link ProjectAgentRunner}. */
export interface ProjectAgentRunnerOptions {
  /** The runner for a task's project; null when the task is unknown. */
  readonly runnerFor: (taskId: string) => AgentRunnerPort | null;
  /** The runner for runs whose task is unknown (the process runner). */
  readonly fallback: AgentRunnerPort;
}

/** Dispatches agent runs to the runner of the task's project. */
export class ProjectAgentRunner implements AgentRunnerPort {
  constructor(private readonly options: ProjectAgentRunnerOptions) {}

  run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    return (this.options.runnerFor(request.taskId) ?? this.options.fallback).run(request);
  }

  stopOrphan(logFile: string): Promise<boolean> {
    const taskId = path.basename(path.dirname(logFile));
    return (this.options.runnerFor(taskId) ?? this.options.fallback).stopOrphan(logFile);
  }
}

/** What {@link projectAgentRunners} needs from the composition root. */
export interface ProjectAgentRunnersDeps {
  /** The host environment process agents inherit (before filtering). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** The engine for container agents (a `DOCKER_HOST` value; absent = the local socket). */
  readonly dockerHost: string | undefined;
  /** The project a task belongs to; null when unknown. */
  readonly projectOf: (taskId: string) => AgentRunnerProject | null;
}

/** The jobs' agent runner: process or container per project (`agentRunner` in the projects file). */
export function projectAgentRunners(deps: ProjectAgentRunnersDeps): ProjectAgentRunner {
  const processRunner = new ProcessAgentRunner({ baseEnv: deps.baseEnv });
  const select = agentRunnerSelector({ process: processRunner, docker: () => new DockerodeDocker({ dockerHost: deps.dockerHost }) });
  return new ProjectAgentRunner({
    runnerFor: (taskId) => {
      const project = deps.projectOf(taskId);
      return project ? select(project) : null;
    },
    fallback: processRunner,
  });
}
