import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessDeployHook } from '../../../adapters/deploy/process-deploy-hook.ts';
import type { DeployHookEnv, DeployRunRef } from '../../../core/ports/deploy-hook.ts';

const baseEnv = {
  PATH: process.env.PATH,
  HOME: '/home/conveyor-test',
  ANTHROPIC_API_KEY: 'agent-key-must-not-pass',
  TELEGRAM_BOT_TOKEN: 'tg-secret-123',
  GITEA_TOKEN: 'gitea-secret-456',
  ORCH_DB_PATH: '/secret/db.sqlite',
  SOURCE_IMAGE: 'spoofed',
  LANG: 'C.UTF-8',
};

const env: DeployHookEnv = {
  sourceImage: 'conveyor/shop:abc123',
  targetImage: 'registry.acme.test/shop:abc123',
  expectedRevision: 'abc123',
  previousImage: null,
  taskId: 'SHOP-42',
  projectId: 'SHOP',
  dockerHost: 'unix:///work/docker-dev/docker.sock',
};

async function isDead(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || /^\d+ \(.*\) Z/.test(stat);
}

async function eventually<T>(probe: () => Promise<T | null | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('ProcessDeployHook', () => {
  let dir: string;
  let cwd: string;
  let workDir: string;
  let port: ProcessDeployHook;
  const ref: DeployRunRef = { taskId: 'SHOP-42', attempt: 1, purpose: 'deploy' };

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-deploy-hook-')));
    cwd = path.join(dir, 'worktree');
    workDir = path.join(dir, 'work');
    await mkdir(cwd, { recursive: true });
    port = new ProcessDeployHook({ workDir, baseEnv, killGraceMs: 300 });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 2, 7])(
    'reports exit %i with the output tail and keeps the log under the work dir',
    async (code) => {
      const logFile = port.logFile(ref, 'hook');
      const end = await port.run({
        hook: `echo "deploying $TARGET_IMAGE"; echo oops >&2; exit ${code}`,
        cwd,
        env,
        timeoutMs: 10_000,
        logFile,
      });
      expect(end).toMatchObject({
        type: 'exited',
        code,
        logTail: 'deploying registry.acme.test/shop:abc123\noops',
      });
      expect(logFile.startsWith(path.join(workDir, 'deploys', 'SHOP-42', '1-deploy'))).toBe(true);
      expect(await readFile(logFile, 'utf8')).toContain('deploying registry.acme.test/shop:abc123');
    },
  );

  it('gives the hook exactly the deploy variables plus PATH and HOME, in the worktree', async () => {
    const hook = "tr '\\0' '\\n' < /proc/$$/environ | sort > env.txt; pwd > pwd.txt";
    const end = await port.run({
      hook,
      cwd,
      env: { ...env, previousImage: 'registry.acme.test/shop:old' },
      timeoutMs: 10_000,
      logFile: port.logFile(ref, 'hook'),
    });
    expect(end).toMatchObject({ type: 'exited', code: 0 });
    const lines = (await readFile(path.join(cwd, 'env.txt'), 'utf8')).trim().split('\n');
    const seen = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const { CONVEYOR_RUN_ID: runId, ...rest } = seen;
    expect(runId).toMatch(/^[0-9a-f]{24}$/);
    expect(rest).toEqual({
      PATH: process.env.PATH,
      HOME: '/home/conveyor-test',
      SOURCE_IMAGE: 'conveyor/shop:abc123',
      TARGET_IMAGE: 'registry.acme.test/shop:abc123',
      EXPECTED_REVISION: 'abc123',
      PREVIOUS_IMAGE: 'registry.acme.test/shop:old',
      ORCH_TASK_ID: 'SHOP-42',
      ORCH_PROJECT: 'SHOP',
      DOCKER_HOST: 'unix:///work/docker-dev/docker.sock',
    });
    expect((await readFile(path.join(cwd, 'pwd.txt'), 'utf8')).trim()).toBe(cwd);
  });

  it('sets PREVIOUS_IMAGE empty on a first deploy', async () => {
    const end = await port.run({
      hook: 'test -z "$PREVIOUS_IMAGE" && test "${PREVIOUS_IMAGE+set}" = set',
      cwd,
      env,
      timeoutMs: 10_000,
      logFile: port.logFile(ref, 'hook'),
    });
    expect(end).toMatchObject({ type: 'exited', code: 0 });
  });

  it('kills the whole process group at the timeout, leaving no orphan', async () => {
    const hook = 'sleep 60 & echo $! > bg.pid; echo $$ > sh.pid; sleep 60';
    const end = await port.run({ hook, cwd, env, timeoutMs: 500, logFile: port.logFile(ref, 'hook') });
    expect(end.type).toBe('timed-out');
    for (const file of ['bg.pid', 'sh.pid']) {
      const pid = Number(await readFile(path.join(cwd, file), 'utf8'));
      await eventually(() => isDead(pid), 5000);
    }
  });

  it('runs the health command with PATH and HOME only', async () => {
    const logFile = port.logFile(ref, 'health');
    expect(
      await port.runHealth({
        command: 'test -z "$SOURCE_IMAGE" && test -z "$TELEGRAM_BOT_TOKEN" && echo healthy',
        cwd,
        timeoutMs: 5000,
        logFile,
      }),
    ).toMatchObject({ type: 'exited', code: 0, logTail: 'healthy' });
    expect(
      await port.runHealth({ command: 'echo down; exit 1', cwd, timeoutMs: 5000, logFile }),
    ).toMatchObject({ type: 'exited', code: 1, logTail: 'down' });
    expect((await port.runHealth({ command: 'sleep 30', cwd, timeoutMs: 300, logFile })).type).toBe(
      'timed-out',
    );
  });

  it('reports a missing worktree as not started', async () => {
    expect(
      await port.run({
        hook: 'true',
        cwd: path.join(dir, 'missing'),
        env,
        timeoutMs: 1000,
        logFile: port.logFile(ref, 'hook'),
      }),
    ).toMatchObject({ type: 'spawn-failed' });
  });
});

describe('ProcessDeployHook: self-deploy', () => {
  let dir: string;
  let cwd: string;
  let workDir: string;
  const children: number[] = [];
  const ref: DeployRunRef = { taskId: 'SELF-1', attempt: 1, purpose: 'deploy' };

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-self-deploy-')));
    cwd = path.join(dir, 'worktree');
    workDir = path.join(dir, 'work');
    await mkdir(cwd, { recursive: true });
  });
  afterEach(async () => {
    for (const pid of children.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** Start the stand-in Conveyor (its own process group) and wait for the hook's pid. */
  async function standIn(hook: string): Promise<{ conveyorPid: number; hookPid: number }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/support/self-deploy-child.ts', workDir, cwd, hook],
      { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child.pid!);
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
    });
    const started = JSON.parse(line) as { type: string; pid: number };
    expect(started.type).toBe('started');
    children.push(started.pid);
    return { conveyorPid: child.pid!, hookPid: started.pid };
  }

  it('survives SIGKILL of Conveyor and its process group, then writes its result file', async () => {
    const hook = 'sleep 1; echo "deployed $TARGET_IMAGE"; exit 0';
    const { conveyorPid, hookPid } = await standIn(hook);
    const stat = (await readFile(`/proc/${hookPid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // Fields after the name: state, ppid, pgrp, session.
    expect(Number(stat[2])).toBe(hookPid);
    expect(Number(stat[3])).toBe(hookPid);
    expect(Number(stat[2])).not.toBe(conveyorPid);
    process.kill(-conveyorPid, 'SIGKILL');
    await eventually(() => isDead(conveyorPid));
    const port = new ProcessDeployHook({ workDir, baseEnv });
    expect(await port.readSelfDeploy(ref)).toMatchObject({ type: 'running', pid: hookPid });
    const state = await eventually(async () => {
      const s = await port.readSelfDeploy(ref);
      return s?.type === 'finished' ? s : null;
    });
    expect(state).toMatchObject({ type: 'finished', code: 0, logTail: 'deployed t' });
    expect(state.finishedAt).toBeGreaterThanOrEqual(Math.floor(state.startedAt / 1000) * 1000);
    const pending = await port.listPendingSelfDeploys();
    expect(pending).toMatchObject([
      { taskId: 'SELF-1', attempt: 1, purpose: 'deploy', state: { type: 'finished', code: 0 } },
    ]);
    await port.acknowledgeSelfDeploy(ref);
    expect(await port.listPendingSelfDeploys()).toEqual([]);
  });

  it('records the exit code of a hook killed mid-way, and reports a killed wrapper as vanished', async () => {
    const port = new ProcessDeployHook({ workDir, baseEnv });
    const { hookPid } = await standIn('echo $$ > hook.pid; sleep 30');
    const innerPid = await eventually(async () =>
      Number(await readFile(path.join(cwd, 'hook.pid'), 'utf8').catch(() => '0')),
    );
    process.kill(innerPid, 'SIGKILL');
    const state = await eventually(async () => {
      const s = await port.readSelfDeploy(ref);
      return s?.type === 'finished' ? s : null;
    });
    expect(state.code).toBe(137);
    expect(await isDead(hookPid)).toBe(true);

    const second: DeployRunRef = { taskId: 'SELF-1', attempt: 2, purpose: 'deploy' };
    const started = await port.startDetached({ hook: 'sleep 30', cwd, timeoutMs: 1000, env }, second);
    expect(started.type).toBe('started');
    if (started.type !== 'started') return;
    children.push(started.pid);
    process.kill(-started.pid, 'SIGKILL');
    const vanished = await eventually(async () => {
      const s = await port.readSelfDeploy(second);
      return s?.type === 'vanished' ? s : null;
    });
    expect(vanished.type).toBe('vanished');
    expect((await port.listPendingSelfDeploys()).map((p) => [p.attempt, p.state.type])).toEqual([
      [1, 'finished'],
      [2, 'vanished'],
    ]);
  });

  it('knows nothing of a run never started and ignores stray folders', async () => {
    const port = new ProcessDeployHook({ workDir, baseEnv });
    expect(await port.readSelfDeploy(ref)).toBeNull();
    await mkdir(path.join(workDir, 'deploys', 'not-a-task', '1-deploy'), { recursive: true });
    await mkdir(path.join(workDir, 'deploys', 'SELF-1', 'junk'), { recursive: true });
    await writeFile(path.join(workDir, 'deploys', 'SELF-1', 'junk', 'result'), '0 1\n');
    expect(await port.listPendingSelfDeploys()).toEqual([]);
  });
});
