/**
 * Which AgentRunnerPort runs a project's agents (design §4 "Isolation", projects file
 * `agentRunner`): the process runner unless the project asks for a container. Container runners
 * are built once per project; the Docker client only when a project needs one.
 */
import type { AgentRunnerConfig, AgentRunnerPort } from '../../core/ports/agent-runner.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { ContainerAgentRunner } from './container-agent-runner.ts';

/** What the selector builds runners from. */
export interface AgentRunnerSelectorDeps {
  /** The process runner (shared by every process project). */
  readonly process: AgentRunnerPort;
  /** The Docker engine, built on first use. */
  readonly docker: () => DockerPort;
}

/** The part of a project the selector reads. */
export interface AgentRunnerProject {
  readonly id: string;
  readonly agentRunner?: AgentRunnerConfig | undefined;
}

/** `selectAgentRunner(project)`: the runner for that project's agents. */
export function agentRunnerSelector(deps: AgentRunnerSelectorDeps): (project: AgentRunnerProject) => AgentRunnerPort {
  const containers = new Map<string, AgentRunnerPort>();
  let docker: DockerPort | undefined;
  return function selectAgentRunner(project) {
    const config = project.agentRunner;
    if (config?.type !== 'container') return deps.process;
    let runner = containers.get(project.id);
    if (!runner) {
      docker ??= deps.docker();
      runner = new ContainerAgentRunner({ docker, config });
      containers.set(project.id, runner);
    }
    return runner;
  };
}
