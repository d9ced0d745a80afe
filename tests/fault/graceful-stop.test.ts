/**
 * Fault: SIGTERM while an agent runs. With a long grace the run finishes and its result is
 * recorded before the process exits; with a short one the run is stopped, its job released
 * (the attempt given back, queued again) and a restart runs it to completion. Real processes,
 * a real SQLite file and a real git remote.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitRemote, remoteFile, type GitRemote } from '../support/git-fixtures.ts';
import {
  isRunning,
  killLeftoverAgents as killLeftoverAgentsOf,
  markerLines as markerLinesOf,
  queryDb,
  recordRunPrelude,
  startConveyorProcess,
  waitFor,
  type ConveyorProcess,
} from '../support/conveyor-harness.ts';

const TASK = 'FAULT-1';
const BRD = `docs/work-items/${TASK}/01-brd.md`;

/**
 * The analyst records each start and whether earlier runs are all dead; the first run waits
 * for a `go` file (which the short-grace test never creates), later runs go straight on; then it
 * writes the BRD.
 */
const analyst = (dir: string) => `#!/bin/sh
${recordRunPrelude(`${dir}/analyst.marker`)}if [ -z "$earlier" ]; then
  while [ ! -e "${dir}/go" ]; do sleep 0.1; done
fi
mkdir -p "$ORCH_ARTIFACTS_DIR"
printf '# BRD\\n\\nStop gracefully.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md"
`;

let remote: GitRemote;
let root: string;
const children: ChildProcess[] = [];

function startConveyor(graceMs: number): Promise<ConveyorProcess> {
  return startConveyorProcess({ root, remote: remote.remote, leaseMs: 2000, graceMs }, children);
}

/** SIGTERM, then the exit status, or 'hung' after `withinMs`. */
async function terminate(conveyor: ConveyorProcess, withinMs: number) {
  conveyor.child.kill('SIGTERM');
  return Promise.race([
    conveyor.exited,
    new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), withinMs)),
  ]);
}

const query = <T>(sql: string, ...params: unknown[]): T[] =>
  queryDb<T>(path.join(root, 'conveyor.db'), sql, ...params);

const markerLines = () => markerLinesOf(path.join(root, 'analyst.marker'));
const firstAgentPid = async () => Number(/^start (\d+)/.exec((await markerLines())[0] ?? '')?.[1] ?? 0);
const running = isRunning;
const analystJob = () =>
  query<{ state: string; attempts: number; last_error: string | null; lease_owner: string | null }>(
    'SELECT state, attempts, last_error, lease_owner FROM jobs WHERE idempotency_key = ?',
    `${TASK}:agent:analyst:1`,
  );
const taskPhase = () =>
  query<{ stage: string; phase: string }>('SELECT stage, phase FROM tasks WHERE id = ?', TASK)[0];
const approvalMoves = () =>
  query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM transitions WHERE task_id = ? AND to_phase = 'awaiting-approval'`,
    TASK,
  )[0]?.n;

const killLeftoverAgents = () => killLeftoverAgentsOf(path.join(root, 'analyst.marker'), root);

beforeEach(async () => {
  remote = await createGitRemote('shop');
  root = await mkdtemp(path.join(os.tmpdir(), 'conveyor-fault-stop-'));
  await mkdir(path.join(root, 'agents'));
  await writeFile(path.join(root, 'agents', 'analyst.sh'), analyst(root));
});

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await killLeftoverAgents();
  await rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

describe('SIGTERM during an agent run', () => {
  it('with a long grace, lets the run finish and records its result before exiting', async () => {
    const conveyor = await startConveyor(20_000);
    await waitFor(
      async () => (await markerLines()).length >= 2,
      20_000,
      () => `the analyst never started:\n${conveyor.output()}`,
    );
    conveyor.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Still in its grace period: neither the process nor the agent was stopped.
    expect(conveyor.child.exitCode).toBeNull();
    expect(await running(await firstAgentPid())).toBe(true);
    expect(analystJob()[0]?.state).toBe('running');

    await writeFile(path.join(root, 'go'), '');
    const exit = await Promise.race([
      conveyor.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000)),
    ]);
    expect(exit, conveyor.output()).toEqual({ code: 0, signal: null });
    expect(conveyor.output()).toMatch(/^stopped$/m);

    expect(taskPhase()).toEqual({ stage: 'analysis', phase: 'awaiting-approval' });
    expect(analystJob()).toEqual([{ state: 'succeeded', attempts: 1, last_error: null, lease_owner: null }]);
    expect(approvalMoves()).toBe(1);
    expect((await markerLines()).filter((l) => l.startsWith('start '))).toHaveLength(1);
    expect(await remoteFile(remote.remote, `task/${TASK}`, BRD)).toContain('Stop gracefully.');
  });

  it('with a short grace, stops the run, releases its job, and a restart runs it to completion', async () => {
    const first = await startConveyor(300);
    await waitFor(
      async () => (await markerLines()).length >= 2,
      20_000,
      () => `the analyst never started:\n${first.output()}`,
    );
    const agentPid = await firstAgentPid();
    expect(await terminate(first, 5000), first.output()).toEqual({ code: 0, signal: null });

    // The run was stopped with its process group, the attempt given back, the job queued again.
    expect(await running(agentPid)).toBe(false);
    expect(analystJob()).toEqual([
      { state: 'queued', attempts: 0, last_error: 'released at shutdown', lease_owner: null },
    ]);
    expect(taskPhase()).toEqual({ stage: 'analysis', phase: 'working' });
    const logFile = path.join(root, 'work', 'logs', TASK, 'analyst-1.log');
    expect(await readFile(logFile, 'utf8')).toContain('[conveyor] cancelled; process group stopped');
    expect(await stat(`${logFile}.pid`).catch(() => null)).toBeNull();

    const second = await startConveyor(300);
    await waitFor(
      () => taskPhase()?.phase === 'awaiting-approval',
      20_000,
      () => `the task never reached awaiting-approval:\n${second.output()}`,
    );
    const lines = await markerLines();
    expect(lines.filter((l) => l.startsWith('start '))).toHaveLength(2);
    expect(lines[3]).toBe('earlier-dead yes');
    expect(analystJob()).toMatchObject([{ state: 'succeeded', attempts: 1, lease_owner: null }]);
    expect(approvalMoves()).toBe(1);
    // Nothing was left to reap: the stopped run had cleaned up after itself.
    expect(await readFile(logFile, 'utf8')).not.toContain('[conveyor] stopped process group');
    expect(await remoteFile(remote.remote, `task/${TASK}`, BRD)).toContain('Stop gracefully.');
    expect(await terminate(second, 5000), second.output()).toEqual({ code: 0, signal: null });
  });
});
