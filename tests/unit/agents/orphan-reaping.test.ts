import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessAgentRunner } from '../../../adapters/agents/process-agent-runner.ts';
import { readBootId, readProcessStat } from '../../../adapters/agents/process-table.ts';
import { formatRunRecord, pidFileOf, recordRun } from '../../../adapters/agents/run-pid-file.ts';
import { LocalCiRunner } from '../../../adapters/ci/local-ci-runner.ts';
import { RetryableError } from '../../../core/errors.ts';
import type { AgentRunRequest } from '../../../core/ports/agent-runner.ts';

const KILL_GRACE_MS = 300;
const baseEnv = { PATH: process.env.PATH, HOME: os.tmpdir() };

/** True while `pid` runs (a zombie does not). */
async function running(pid: number): Promise<boolean> {
  const stat = await readProcessStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** A shell line printing `<label>:alive` or `<label>:dead` for `pid`, zombies counting as dead. */
const probe = (label: string, pid: number) =>
  `if [ -r /proc/${pid}/stat ] && ! sed 's/.*) //' /proc/${pid}/stat | grep -q '^Z'; then echo ${label}:alive; else echo ${label}:dead; fi`;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('orphan reaping before a run', () => {
  let dir: string;
  let cwd: string;
  let logFile: string;
  const strays: ChildProcess[] = [];
  const runner = new ProcessAgentRunner({ baseEnv, killGraceMs: KILL_GRACE_MS });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-reap-'));
    cwd = path.join(dir, 'worktree');
    await mkdir(cwd);
    logFile = path.join(dir, 'logs', 'SHOP-7', 'analyst-1.log');
    await mkdir(path.dirname(logFile), { recursive: true });
  });
  afterEach(async () => {
    for (const child of strays.splice(0)) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  function request(command: string, overrides: Partial<AgentRunRequest> = {}): AgentRunRequest {
    return {
      command,
      cwd,
      projectId: 'SHOP',
      role: 'analyst',
      taskId: 'SHOP-7',
      stage: 'analysis',
      attempt: 1,
      branch: 'task/SHOP-7',
      artifactsDir: 'docs/work-items/SHOP-7',
      taskFile: path.join(dir, 'task.md'),
      promptFile: path.join(dir, 'prompt.md'),
      timeoutMs: 10_000,
      logFile,
      ...overrides,
    };
  }

  /** A detached `sh` group (an orphan of a crashed run): the shell and a `sleep` child. Resolves with both pids. */
  async function orphan(
    script: string,
    env: Record<string, string> = {},
  ): Promise<{ child: ChildProcess; leader: number; sleeper: number }> {
    const child = spawn('/bin/sh', ['-c', script], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    strays.push(child);
    const sleeper = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('error', reject);
    });
    if (child.pid === undefined) throw new Error('orphan did not start');
    return { child, leader: child.pid, sleeper };
  }

  const exitSignal = (child: ChildProcess) =>
    new Promise<NodeJS.Signals | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
      else child.once('exit', (_code, signal) => resolve(signal));
    });

  it('stops a live orphan group (SIGTERM) before the new run starts, then records and removes its own run', async () => {
    const old = await orphan('sleep 30 & echo $!; wait');
    expect(recordRun(pidFileOf(logFile), old.leader, 'crashed-run').type).toBe('recorded');
    expect(await running(old.sleeper)).toBe(true);
    const signal = exitSignal(old.child);

    const outcome = await runner.run(
      request(
        `${probe('leader', old.leader)}; ${probe('sleeper', old.sleeper)}; cat "${pidFileOf(logFile)}"; echo "me $$ $CONVEYOR_RUN_ID"`,
      ),
    );

    expect(outcome).toMatchObject({ type: 'exited', code: 0 });
    if (outcome.type !== 'exited') return;
    // When the new run started, the whole old group was already dead.
    expect(outcome.logTail).toContain('leader:dead');
    expect(outcome.logTail).toContain('sleeper:dead');
    expect(await signal).toBe('SIGTERM');
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain(
      `[conveyor] stopped process group ${old.leader}, left running by an earlier run of this attempt`,
    );
    // While it ran, the record named the new run's own group and id; afterwards it is gone.
    const [, me, runId] = /^me (\d+) (\w+)$/m.exec(outcome.logTail) ?? [];
    const record = JSON.parse(/^\{.*\}$/m.exec(outcome.logTail)?.[0] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ pgid: Number(me), runId, bootId: readBootId() });
    expect(await exists(pidFileOf(logFile))).toBe(false);
  });

  it('escalates to SIGKILL when the orphan ignores SIGTERM', async () => {
    const old = await orphan(`trap '' TERM; sleep 30 & echo $!; wait`);
    recordRun(pidFileOf(logFile), old.leader, 'stubborn-run');
    const signal = exitSignal(old.child);
    const started = Date.now();
    const outcome = await runner.run(request(probe('sleeper', old.sleeper)));
    expect(outcome).toMatchObject({ type: 'exited', code: 0, logTail: 'sleeper:dead' });
    expect(await signal).toBe('SIGKILL');
    expect(await readFile(logFile, 'utf8')).toContain(
      `left running by an earlier run of this attempt (it ignored SIGTERM)`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(KILL_GRACE_MS - 20);
  });

  it('ignores a stale record whose process is gone, and replaces it', async () => {
    const old = await orphan('sleep 30 & echo $!; wait');
    recordRun(pidFileOf(logFile), old.leader, 'dead-run');
    process.kill(-old.leader, 'SIGKILL');
    await exitSignal(old.child);
    const outcome = await runner.run(request('echo ran'));
    expect(outcome).toMatchObject({ type: 'exited', code: 0, logTail: 'ran' });
    expect(await readFile(logFile, 'utf8')).not.toContain('[conveyor] stopped');
    expect(await exists(pidFileOf(logFile))).toBe(false);
  });

  it('never signals a live group whose leader did not start when the record says (a reused pid)', async () => {
    const other = await orphan('sleep 30 & echo $!; wait');
    await writeFile(
      pidFileOf(logFile),
      formatRunRecord({
        pgid: other.leader,
        startTime: '1',
        bootId: readBootId() ?? '',
        runId: 'someone-else',
      }),
    );
    const outcome = await runner.run(request('echo ran'));
    expect(outcome).toMatchObject({ type: 'exited', code: 0, logTail: 'ran' });
    expect(await running(other.leader)).toBe(true);
    expect(await running(other.sleeper)).toBe(true);
    expect(await exists(pidFileOf(logFile))).toBe(false);
  });

  it('ignores a record from another boot', async () => {
    const other = await orphan('sleep 30 & echo $!; wait');
    const leader = await readProcessStat(other.leader);
    await writeFile(
      pidFileOf(logFile),
      formatRunRecord({
        pgid: other.leader,
        startTime: leader?.startTime ?? '0',
        bootId: 'another-boot',
        runId: 'x',
      }),
    );
    await runner.run(request('true'));
    expect(await running(other.sleeper)).toBe(true);
  });

  it('stops a leaderless group only when its members carry the recorded run id', async () => {
    // The shell leader exits at once; its background sleep keeps the group alive without it.
    const ours = await orphan('sleep 30 >/dev/null & echo $!', { CONVEYOR_RUN_ID: 'leaderless-ours' });
    const theirs = await orphan('sleep 30 >/dev/null & echo $!', { CONVEYOR_RUN_ID: 'leaderless-theirs' });
    await Promise.all([exitSignal(ours.child), exitSignal(theirs.child)]);
    expect(await readProcessStat(ours.leader)).toBeNull();
    const bootId = readBootId() ?? '';

    await writeFile(
      pidFileOf(logFile),
      formatRunRecord({ pgid: theirs.leader, startTime: '1', bootId, runId: 'leaderless-ours' }),
    );
    expect(await runner.run(request(probe('sleeper', theirs.sleeper)))).toMatchObject({
      logTail: 'sleeper:alive',
    });
    expect(await running(theirs.sleeper)).toBe(true);

    await writeFile(
      pidFileOf(logFile),
      formatRunRecord({ pgid: ours.leader, startTime: '1', bootId, runId: 'leaderless-ours' }),
    );
    expect(await runner.run(request(probe('sleeper', ours.sleeper)))).toMatchObject({
      logTail: 'sleeper:dead',
    });
  });

  it('removes the record after a timeout and after a cancel', async () => {
    const timedOut = await runner.run(request('sleep 30', { timeoutMs: 200 }));
    expect(timedOut.type).toBe('timed-out');
    expect(await exists(pidFileOf(logFile))).toBe(false);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const cancelled = await runner.run(request('sleep 30', { signal: controller.signal }));
    expect(cancelled.type).toBe('cancelled');
    expect(await exists(pidFileOf(logFile))).toBe(false);
  });

  it('refuses a run it cannot record, and stops what it spawned', async () => {
    await mkdir(path.join(pidFileOf(logFile), 'blocker'), { recursive: true });
    const pidOut = path.join(dir, 'refused.pid');
    const outcome = await runner.run(request(`sleep 30 & echo $! > "${pidOut}"; wait`));
    expect(outcome.type).toBe('spawn-failed');
    if (outcome.type === 'spawn-failed')
      expect(outcome.error).toContain(`cannot write ${pidFileOf(logFile)}`);
    const sleeper = Number(await readFile(pidOut, 'utf8').catch(() => '0'));
    if (sleeper > 0) expect(await running(sleeper)).toBe(false);
    expect(await readFile(logFile, 'utf8')).toContain('[conveyor] not run: cannot write');
  });

  it('gives the local CI runner the same treatment', async () => {
    const ci = new LocalCiRunner({ baseEnv, killGraceMs: KILL_GRACE_MS });
    const ciLog = path.join(dir, 'logs', 'SHOP-7', 'developer-1.ci.log');
    const old = await orphan('sleep 30 & echo $!; wait');
    recordRun(pidFileOf(ciLog), old.leader, 'crashed-ci');
    const result = await ci.run(probe('sleeper', old.sleeper), cwd, 10_000, ciLog, 'SHOP');
    expect(result).toMatchObject({ passed: true, excerpt: 'sleeper:dead' });
    expect(await exists(pidFileOf(ciLog))).toBe(false);

    await mkdir(path.join(pidFileOf(ciLog), 'blocker'), { recursive: true });
    await expect(ci.run('true', cwd, 10_000, ciLog, 'SHOP')).rejects.toBeInstanceOf(RetryableError);
  });
});
