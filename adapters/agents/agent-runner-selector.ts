/**
 * Which runner a project's agents get (projects file `agentRunner`, design §4 "Isolation"), and one
 * AgentRunnerPort over all projects that hands each run to its project's runner. The Docker client
 * is built only when a project runs its agents in containers.
 */
import { parseUser, type ProjectConfig } from '../../core/config/projects.ts';
import type { AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { ContainerAgentRunner } from './container-agent-runner.ts';
import { ProcessAgentRunner } from './process-agent-runner.ts';

/** What every runner is built from. */
export interface AgentRunnerParts {
  /** The host environment process agents inherit, before filtering. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** The Docker engine for container agents, built on first use. */
  readonly docker: () => DockerPort;
}

/** The runner of one project's agents. */
export function selectAgentRunner(project: ProjectConfig, parts: AgentRunnerParts): AgentRunnerPort {
  const runner = project.agentRunner;
  switch (runner.type) {
    case 'process':
      return new ProcessAgentRunner({ baseEnv: parts.baseEnv, ...(runner.user ? { user: parseUser(runner.user) } : {}) });
    case 'container':
      return new ContainerAgentRunner({ docker: parts.docker(), config: runner });
  }
}

/**
 * The uid:gid a project's local CI runs as: the process runner's user, or the container runner's
 * (CI executes code the agent wrote, so it gets no more than the agent had).
 */
export function runnerUser(project: ProjectConfig | undefined): { readonly uid: number; readonly gid: number } | undefined {
  const runner = project?.agentRunner;
  if (!runner?.user) return undefined;
  return parseUser(runner.user);
}

/** Runs each request with its project's runner. */
export class ProjectAgentRunners implements AgentRunnerPort {
  private readonly runners: ReadonlyMap<string, AgentRunnerPort>;

  constructor(projects: Iterable<ProjectConfig>, parts: AgentRunnerParts) {
    let docker: DockerPort | undefined;
    const shared: AgentRunnerParts = { baseEnv: parts.baseEnv, docker: () => (docker ??= parts.docker()) };
    this.runners = new Map([...projects].map((project) => [project.id, selectAgentRunner(project, shared)]));
  }

  run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    const runner = this.runners.get(request.projectId);
    if (!runner) return Promise.resolve({ type: 'spawn-failed', error: `project ${request.projectId} has no agent runner` });
    return runner.run(request);
  }

  /** Every runner looks for what it may have left behind under this log file. */
  async stopOrphan(logFile: string): Promise<boolean> {
    // One after another: process runners share the run record next to the log file.
    let allStopped = true;
    for (const runner of this.runners.values()) allStopped = (await runner.stopOrphan(logFile)) && allStopped;
    return allStopped;
  }
}
