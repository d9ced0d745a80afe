/**
 * Which runner a project's agents get (projects file `agentRunner`, design §4), and one
 * AgentRunnerPort over all projects that hands each run to its project's runner.
 */
import { parseUser, type ProjectConfig } from '../../core/config/projects.ts';
import { ConfigError } from '../../core/errors.ts';
import type { AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import { ProcessAgentRunner } from './process-agent-runner.ts';

/** What every runner is built from. */
export interface AgentRunnerParts {
  /** The host environment agents inherit, before filtering. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
}

/** The runner of one project's agents. */
export function selectAgentRunner(project: ProjectConfig, parts: AgentRunnerParts): AgentRunnerPort {
  const runner = project.agentRunner;
  switch (runner.type) {
    case 'process':
      return new ProcessAgentRunner({ baseEnv: parts.baseEnv, ...(runner.user ? { user: parseUser(runner.user) } : {}) });
    case 'container':
      throw new ConfigError([`project ${project.id}: agentRunner.type "container": the container runner is not available in this build; use { "type": "process", "user": "uid:gid" }`]);
  }
}

/** The uid:gid a project's process runner switches to, if any (its CI runs as that user too). */
export function runnerUser(project: ProjectConfig | undefined): { readonly uid: number; readonly gid: number } | undefined {
  return project?.agentRunner.type === 'process' && project.agentRunner.user ? parseUser(project.agentRunner.user) : undefined;
}

/** Runs each request with its project's runner. */
export class ProjectAgentRunners implements AgentRunnerPort {
  private readonly runners: ReadonlyMap<string, AgentRunnerPort>;

  constructor(projects: Iterable<ProjectConfig>, parts: AgentRunnerParts) {
    this.runners = new Map([...projects].map((project) => [project.id, selectAgentRunner(project, parts)]));
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
