/**
 * Fault: Conveyor is SIGKILLed while it holds the merge lease in the middle of staging, and is
 * restarted on the same database and workdir. The staging job is reclaimed once its job lease
 * expires, the task takes its merge lease again, staging completes exactly once, and the task is
 * delivered with the lease released. Real processes, a real SQLite file and a real git remote.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRemote, remoteFile, type GitRemote } from '../support/git-fixtures.ts';
import {
  markerLines,
  queryDb,
  startConveyorProcess,
  waitFor,
  type ConveyorProcess,
} from '../support/conveyor-harness.ts';

const TASK = 'FAULT-1';
let remote: GitRemote;
let root: string;
let marker: string;
const children: ChildProcess[] = [];

const start = (): Promise<ConveyorProcess> =>
  startConveyorProcess(
    {
      root,
      remote: remote.remote,
      leaseMs: 1500,
      graceMs: 5000,
      env: {
        FAULT_STAGES: 'analysis,development,deploy-staging',
        FAULT_STAGING_MARKER: marker,
        FAULT_AUTO_APPROVE: '1',
        FAULT_CI_COMMAND: 'true',
      },
    },
    children,
  );
const query = <T>(sql: string, ...params: unknown[]): T[] =>
  queryDb<T>(path.join(root, 'conveyor.db'), sql, ...params);

beforeAll(async () => {
  remote = await createGitRemote('shop');
  root = await mkdtemp(path.join(os.tmpdir(), 'conveyor-fault-staging-'));
  marker = path.join(root, 'staging.marker');
  await mkdir(path.join(root, 'agents'));
  await writeFile(
    path.join(root, 'agents', 'analyst.sh'),
    `mkdir -p "$ORCH_ARTIFACTS_DIR"; printf '# BRD\\n\\nStage it.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n`,
  );
  await writeFile(path.join(root, 'agents', 'developer.sh'), `echo staged > feature.txt\n`);
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

describe('SIGKILL while holding the merge lease mid-staging', () => {
  it('reclaims the lease after restart and completes staging once', async () => {
    const first = await start();
    await waitFor(
      async () => (await markerLines(marker)).length > 0,
      60_000,
      () => `staging never started:\n${first.output()}`,
    );
    expect(query<{ holder: string }>(`SELECT holder FROM leases WHERE name = 'merge:FAULT'`)).toEqual([
      { holder: TASK },
    ]);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start();
    await waitFor(
      () => query<{ stage: string }>(`SELECT stage FROM tasks WHERE id = ?`, TASK)[0]?.stage === 'done',
      60_000,
      () => `not delivered:\n${second.output()}`,
    );
    const lines = await markerLines(marker);
    expect(lines.filter((l) => l.startsWith('start'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('finish'))).toHaveLength(1);
    expect(
      query(`SELECT reason FROM transitions WHERE task_id = ? AND reason LIKE 'staging S%'`, TASK),
    ).toEqual([{ reason: 'staging SUCCESS' }]);
    // No merge lease left; the running start's leader lease (ADR 0052) is not a task's.
    expect(query(`SELECT * FROM leases WHERE name <> 'leader'`)).toEqual([]);
    expect(await remoteFile(remote.remote, 'main', `docs/work-items/${TASK}/14-staging-report.md`)).toContain(
      'VERDICT: SUCCESS',
    );
    second.child.kill('SIGTERM');
    await second.exited;
  }, 150_000);
});
