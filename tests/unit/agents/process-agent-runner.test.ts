import { mkdir, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessAgentRunner } from '../../../adapters/agents/process-agent-runner.ts';
import type { AgentRunRequest } from '../../../core/ports/agent-runner.ts';

/** True once `pid` no longer runs (gone, or a zombie nobody reaped yet). */
async function isDead(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || /^\d+ \(.*\) Z/.test(stat);
}

async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (await isDead(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const baseEnv = {
  PATH: process.env.PATH,
  HOME: os.tmpdir(),
  ANTHROPIC_API_KEY: 'agent-key-passes',
  TELEGRAM_BOT_TOKEN: 'tg-secret-123',
  GITEA_TOKEN: 'gitea-secret-456',
  PLANE_API_KEY: 'plane-secret-789',
  ORCH_DB_PATH: '/secret/db.sqlite',
  ORCH_ROLE: 'spoofed',
  NOT_SET: undefined,
};

describe('ProcessAgentRunner', () => {
  let dir: string;
  let cwd: string;
  const runner = new ProcessAgentRunner({ baseEnv, killGraceMs: 200 });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-agent-'));
    cwd = path.join(dir, 'worktree');
    await mkdir(cwd);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function request(command: string, overrides: Partial<AgentRunRequest> = {}): AgentRunRequest {
    return {
      command,
      cwd,
      projectId: 'SHOP',
      role: 'developer',
      taskId: 'SHOP-42',
      stage: 'development',
      attempt: 2,
      branch: 'task/SHOP-42',
      artifactsDir: 'docs/work-items/SHOP-42',
      taskFile: path.join(dir, 'runs', 'SHOP-42', 'developer-2.task.md'),
      promptFile: '/opt/prompts/developer.md',
      timeoutMs: 10_000,
      logFile: path.join(dir, 'logs', 'SHOP-42', 'developer-2.log'),
      ...overrides,
    };
  }

  const log = (req: AgentRunRequest) => readFile(req.logFile, 'utf8');

  it('passes the ORCH_* contract and withholds Conveyor secrets', async () => {
    const req = request('env');
    const outcome = await runner.run(req);
    expect(outcome.type).toBe('exited');
    const text = await log(req);
    const env = Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).toMatchObject({
      ORCH_ROLE: 'developer',
      ORCH_TASK_ID: 'SHOP-42',
      ORCH_STAGE: 'development',
      ORCH_ATTEMPT: '2',
      ORCH_BRANCH: 'task/SHOP-42',
      ORCH_ARTIFACTS_DIR: 'docs/work-items/SHOP-42',
      ORCH_TASK_FILE: req.taskFile,
      ORCH_PROMPT_FILE: '/opt/prompts/developer.md',
      ANTHROPIC_API_KEY: 'agent-key-passes',
    });
    expect(Object.keys(env).filter((k) => k.startsWith('ORCH_')).sort()).toEqual(
      ['ORCH_ARTIFACTS_DIR', 'ORCH_ATTEMPT', 'ORCH_BRANCH', 'ORCH_PROMPT_FILE', 'ORCH_ROLE', 'ORCH_STAGE', 'ORCH_TASK_FILE', 'ORCH_TASK_ID'],
    );
    for (const key of ['TELEGRAM_BOT_TOKEN', 'GITEA_TOKEN', 'PLANE_API_KEY', 'ORCH_DB_PATH', 'NOT_SET']) expect(env).not.toHaveProperty(key);
    for (const secret of ['tg-secret-123', 'gitea-secret-456', 'plane-secret-789', '/secret/db.sqlite']) expect(text).not.toContain(secret);
  });

  it('runs in the worktree and reports the exit code', async () => {
    const req = request('pwd -P; exit 3');
    const outcome = await runner.run(req);
    expect(outcome).toMatchObject({ type: 'exited', code: 3 });
    expect((await log(req)).trim()).toBe(await realpath(cwd));
    expect(await runner.run(request('true'))).toMatchObject({ type: 'exited', code: 0, logTail: '' });
  });

  it('appends stdout and stderr to the log file, creating its directory', async () => {
    const req = request('echo to-stdout; echo to-stderr >&2');
    await runner.run(req);
    await runner.run(request('echo second run', { logFile: req.logFile }));
    const text = await log(req);
    expect(text).toContain('to-stdout\n');
    expect(text).toContain('to-stderr\n');
    expect(text.indexOf('second run')).toBeGreaterThan(text.indexOf('to-stdout'));
  });

  it('keeps the last 20 non-empty lines, at most 2000 characters, while the log keeps everything', async () => {
    const req = request('for i in $(seq 1 100); do echo "line $i"; echo; done; echo "err tail" >&2');
    const outcome = await runner.run(req);
    if (outcome.type !== 'exited') throw new Error(outcome.type);
    const lines = outcome.logTail.split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('line 82');
    expect(lines.at(-1)).toBe('err tail');
    expect((await log(req)).match(/^line \d+$/gm)).toHaveLength(100);

    const long = await runner.run(request(`head -c 6000 /dev/zero | tr '\\0' x; echo; echo short`));
    if (long.type !== 'exited') throw new Error(long.type);
    expect(long.logTail.length).toBe(2000);
    expect(long.logTail).toMatch(/^…x+\nshort$/);
  });

  it('kills the whole process tree on timeout', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const outcome = await runner.run(request(`echo started; sh -c 'sleep 30 & echo $! > "${pidFile}"; wait'`, { timeoutMs: 300 }));
    expect(outcome).toMatchObject({ type: 'timed-out', logTail: 'started' });
    if (outcome.type !== 'timed-out') return;
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
    expect(outcome.durationMs).toBeLessThan(3000);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await eventuallyDead(pid)).toBe(true);
    expect(await log(request(''))).toMatch(/timed out after 300 ms/);
  });

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    const pidFile = path.join(dir, 'stubborn.pid');
    const outcome = await runner.run(request(`trap '' TERM; sleep 30 & echo $! > "${pidFile}"; wait`, { timeoutMs: 300 }));
    expect(outcome.type).toBe('timed-out');
    if (outcome.type !== 'timed-out') return;
    expect(outcome.durationMs).toBeGreaterThanOrEqual(450);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await eventuallyDead(pid)).toBe(true);
  });

  it('stops what the command left running when it exits', async () => {
    const pidFile = path.join(dir, 'straggler.pid');
    const started = Date.now();
    const outcome = await runner.run(request(`sleep 30 & echo $! > "${pidFile}"; echo finished`));
    expect(outcome).toMatchObject({ type: 'exited', code: 0, logTail: 'finished' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await eventuallyDead(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('reports cancelled when aborted, before or during the run', async () => {
    const pidFile = path.join(dir, 'cancelled.pid');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const outcome = await runner.run(request(`sleep 30 & echo $! > "${pidFile}"; wait`, { signal: controller.signal }));
    expect(outcome.type).toBe('cancelled');
    expect(await eventuallyDead(Number(await readFile(pidFile, 'utf8')))).toBe(true);
    const aborted = await runner.run(request('echo never > ran.txt', { signal: AbortSignal.abort() }));
    expect(aborted.type).toBe('cancelled');
    expect(await readFile(path.join(cwd, 'ran.txt'), 'utf8').catch(() => null)).toBeNull();
  });

  it('reports spawn-failed for a working directory that does not exist', async () => {
    const outcome = await runner.run(request('true', { cwd: path.join(dir, 'missing') }));
    expect(outcome.type).toBe('spawn-failed');
    if (outcome.type === 'spawn-failed') expect(outcome.error).toContain(path.join(dir, 'missing'));
  });
});
