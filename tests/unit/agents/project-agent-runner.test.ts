import { describe, expect, it } from 'vitest';
import { agentRunnerSelector } from '../../../adapters/agents/agent-runner-selector.ts';
import { ContainerAgentRunner } from '../../../adapters/agents/container-agent-runner.ts';
import { ProjectAgentRunner } from '../../../adapters/agents/project-agent-runner.ts';
import type { AgentRunOutcome, AgentRunRequest, AgentRunnerPort } from '../../../core/ports/agent-runner.ts';
import type { DockerPort } from '../../../core/ports/docker.ts';

/** A runner that records what it was asked, so routing can be observed. */
class RecordingRunner implements AgentRunnerPort {
  readonly calls: string[] = [];
  constructor(private readonly name: string) {}
  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    this.calls.push(`run ${request.taskId}`);
    return { type: 'exited', code: 0, logTail: this.name, durationMs: 1 };
  }
  async stopOrphan(logFile: string): Promise<boolean> {
    this.calls.push(`stop ${logFile}`);
    return true;
  }
}

const request = (taskId: string): AgentRunRequest => ({
  command: 'true', cwd: '/w', role: 'developer', taskId, stage: 'development', attempt: 1, branch: `task/${taskId}`,
  artifactsDir: `docs/work-items/${taskId}`, taskFile: '/t', promptFile: '/p', timeoutMs: 1000, logFile: `/data/logs/${taskId}/developer-1.log`,
});

describe('agent runner selection', () => {
  it('uses the process runner unless the project asks for a container, one container runner per project', () => {
    const processRunner = new RecordingRunner('process');
    let dockers = 0;
    const select = agentRunnerSelector({ process: processRunner, docker: () => (dockers++, {} as DockerPort) });
    expect(select({ id: 'A' })).toBe(processRunner);
    expect(select({ id: 'B', agentRunner: { type: 'process', user: '1001:1001' } })).toBe(processRunner);
    expect(dockers).toBe(0);
    const container = { type: 'container', image: 'agents:1', network: 'none', user: '1000:1000' } as const;
    const first = select({ id: 'C', agentRunner: container });
    expect(first).toBeInstanceOf(ContainerAgentRunner);
    expect(select({ id: 'C', agentRunner: container })).toBe(first);
    expect(select({ id: 'D', agentRunner: container })).not.toBe(first);
    expect(dockers).toBe(1);
  });

  it('dispatches runs and orphan checks to the runner of the task’s project', async () => {
    const processRunner = new RecordingRunner('process');
    const containerRunner = new RecordingRunner('container');
    const dispatcher = new ProjectAgentRunner({
      runnerFor: (taskId) => (taskId.startsWith('BOX-') ? containerRunner : taskId.startsWith('SHOP-') ? processRunner : null),
      fallback: processRunner,
    });
    expect(await dispatcher.run(request('BOX-1'))).toMatchObject({ logTail: 'container' });
    expect(await dispatcher.run(request('SHOP-1'))).toMatchObject({ logTail: 'process' });
    expect(await dispatcher.stopOrphan('/data/logs/BOX-2/tester-1.log')).toBe(true);
    expect(await dispatcher.stopOrphan('/data/logs/GONE-1/tester-1.log')).toBe(true);
    expect(containerRunner.calls).toEqual(['run BOX-1', 'stop /data/logs/BOX-2/tester-1.log']);
    expect(processRunner.calls).toEqual(['run SHOP-1', 'stop /data/logs/GONE-1/tester-1.log']);
  });
});
