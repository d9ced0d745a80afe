import { describe, expect, it } from 'vitest';
import { ProjectAgentRunners, runnerUser, selectAgentRunner } from '../../../adapters/agents/agent-runner-selector.ts';
import { ContainerAgentRunner } from '../../../adapters/agents/container-agent-runner.ts';
import { ProcessAgentRunner } from '../../../adapters/agents/process-agent-runner.ts';
import { parseProjects, type ProjectConfig } from '../../../core/config/projects.ts';
import type { AgentRunRequest } from '../../../core/ports/agent-runner.ts';
import type { DockerPort } from '../../../core/ports/docker.ts';

function projects(...runners: unknown[]): readonly ProjectConfig[] {
  const parsed = parseProjects(
    JSON.stringify({
      projects: runners.map((agentRunner, i) => ({
        id: `P${i}`, repo: `acme/p${i}`, cloneUrl: '/tmp/x.git', chatId: -1, approvers: [1], agents: { default: 'true' },
        ...(agentRunner === undefined ? {} : { agentRunner }),
      })),
    }),
    'test',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  return parsed.projects;
}

const request = (projectId: string): AgentRunRequest => ({
  command: 'true', cwd: '/w', role: 'developer', projectId, taskId: `${projectId}-1`, stage: 'development', attempt: 1, branch: `task/${projectId}-1`,
  artifactsDir: `docs/work-items/${projectId}-1`, taskFile: '/t', promptFile: '/p', timeoutMs: 1000, logFile: `/data/logs/${projectId}-1/developer-1.log`,
});

describe('agent runner selection', () => {
  it('gives process projects a process runner and container projects a container runner, building Docker only when needed', () => {
    let dockers = 0;
    const docker = () => (dockers++, {} as DockerPort);
    const [plain, asUser, boxed] = projects(undefined, { type: 'process', user: '1001:1001' }, { type: 'container', image: 'agents:1' });
    expect(selectAgentRunner(plain!, { baseEnv: {}, docker })).toBeInstanceOf(ProcessAgentRunner);
    expect(selectAgentRunner(asUser!, { baseEnv: {}, docker })).toBeInstanceOf(ProcessAgentRunner);
    expect(dockers).toBe(0);
    expect(selectAgentRunner(boxed!, { baseEnv: {}, docker })).toBeInstanceOf(ContainerAgentRunner);
    expect(dockers).toBe(1);
  });

  it('builds one Docker client for all container projects', () => {
    let dockers = 0;
    new ProjectAgentRunners(projects({ type: 'container', image: 'a:1' }, { type: 'container', image: 'b:1' }, undefined), { baseEnv: {}, docker: () => (dockers++, {} as DockerPort) });
    expect(dockers).toBe(1);
  });

  it('runs local CI as the agent’s user: the process runner’s, or the container runner’s', () => {
    const [plain, asUser, boxed] = projects(undefined, { type: 'process', user: '1001:1002' }, { type: 'container', image: 'agents:1' });
    expect(runnerUser(plain)).toBeUndefined();
    expect(runnerUser(asUser)).toEqual({ uid: 1001, gid: 1002 });
    expect(runnerUser(boxed)).toEqual({ uid: 1000, gid: 1000 });
  });

  it('answers a run of an unknown project as a spawn failure, not a throw', async () => {
    const runners = new ProjectAgentRunners(projects(undefined), { baseEnv: {}, docker: () => ({}) as DockerPort });
    expect(await runners.run(request('NOPE'))).toMatchObject({ type: 'spawn-failed' });
  });
});
