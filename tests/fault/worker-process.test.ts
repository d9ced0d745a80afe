/**
 * `conveyor worker` as real processes on one SQLite file (ADR 0055): a worker limited to `ci`
 * claims only ci jobs while an agent job stays queued, and SIGTERM marks its instance stopped
 * and exits 0; a worker SIGKILLed mid-job has its job reclaimed once (the next worker's sweep of
 * dead instances), with the dead run's agent gone before the new one starts; a worker and a
 * `conveyor start` that runs no jobs (ORCH_WORKER_KINDS=none) share the file: the worker runs the
 * analyst, the start delivers the approval request it wrote.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import type { JobKind } from '../../core/queue/job.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { syncProjects } from '../../core/store/project-repo.ts';
import { killLeftoverAgents, markerLines, queryDb, recordRunPrelude, waitFor } from '../support/conveyor-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { spawnConveyorStart, type StartedConveyor } from '../support/start-process.ts';
import { spawnWorker, type WorkerChild } from '../support/worker-process.ts';

const CHAT = -1009876500012;
const TOKEN = '424242:worker-process-token-abcdefghijk';

let dir = '';
let remote: GitRemote | null = null;
const children: (WorkerChild | StartedConveyor)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conveyor-worker-'));
  remote = await createGitRemote('shop');
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await killLeftoverAgents(join(dir, 'marker'), dir);
  await remote?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The project both processes read; the analyst runs `analyst.sh` in the test dir. */
function projectsJson(): string {
  return JSON.stringify({
    projects: [
      {
        id: 'SHOP',
        repo: 'acme/shop',
        cloneUrl: remote?.remote ?? '',
        chatId: CHAT,
        approvers: [111],
        agents: { analyst: `sh "${join(dir, 'analyst.sh')}"`, default: 'true' },
        stages: ['analysis', 'development'],
      },
    ],
  });
}

/** The analyst: records its run; the first run ever hangs (to be killed), later ones write the BRD. */
function writeAnalyst(hangFirst: boolean): void {
  const marker = join(dir, 'marker');
  writeFileSync(
    join(dir, 'analyst.sh'),
    `${recordRunPrelude(marker)}
if ${hangFirst ? 'true' : 'false'} && [ "$(grep -c '^start' "$marker")" -eq 1 ]; then sleep 120; fi
mkdir -p "$ORCH_ARTIFACTS_DIR"
printf '# BRD\\n\\nWorkers share the queue.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md"
`,
  );
}

/** Request SHOP-1 (its analyst job is queued) and enqueue `extra` jobs, as a `start` would have. */
async function seed(dbPath: string, extra: readonly { kind: JobKind; key: string; payload: Record<string, unknown> }[] = []): Promise<void> {
  const store = openStore(dbPath);
  try {
    const parsed = parseProjects(projectsJson(), 'test');
    if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
    await syncProjects(store, parsed.projects, Date.now());
    const queue = new JobQueue(store);
    const projects = new Map(parsed.projects.map((p) => [p.id, p]));
    const engine = new Engine(store, { queue, projects, maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false, newId: randomId, logger: silentLogger }, systemClock);
    await engine.handle({ type: 'TaskRequested', key: 'test:new:1', projectId: 'SHOP', title: 'Share the queue', source: 'chat', actor: 'telegram:111:Alice' });
    for (const job of extra) await queue.enqueue({ kind: job.kind, taskId: 'SHOP-1', payload: job.payload, idempotencyKey: job.key }, Date.now());
  } finally {
    store.close();
  }
}

interface JobLine {
  id: number;
  kind: string;
  state: string;
  attempts: number;
  idempotency_key: string;
}
interface InstanceLine {
  id: string;
  pid: number;
  role: string;
  kinds: string;
  stopped_at: number | null;
}

const jobs = (db: string) => queryDb<JobLine>(db, 'SELECT id, kind, state, attempts, idempotency_key FROM jobs ORDER BY id');
const instances = (db: string) => queryDb<InstanceLine>(db, 'SELECT id, pid, role, kinds, stopped_at FROM instances ORDER BY started_at');
const jobState = (db: string, key: string) => jobs(db).find((j) => j.idempotency_key === key)?.state;

function workerEnv(db: string, workdir: string, kinds: string): Record<string, string> {
  return { HOME: dir, ORCH_DB_PATH: db, ORCH_WORKDIR: join(dir, workdir), ORCH_PROJECTS_JSON: projectsJson(), ORCH_WORKER_KINDS: kinds };
}

async function terminate(worker: WorkerChild): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  worker.child.kill('SIGTERM');
  return Promise.race([worker.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker hung on SIGTERM:\n${worker.output()}`)), 40_000))]);
}

describe('conveyor worker', () => {
  it('refuses an unknown kind and `none` naming ORCH_WORKER_KINDS (exit 78), needing no Telegram token', async () => {
    const db = join(dir, 'conveyor.db');
    for (const [kinds, said] of [['ci,docker', /ORCH_WORKER_KINDS: unknown job kind "docker"; valid kinds: agent, ci,/], ['none', /ORCH_WORKER_KINDS: `none` leaves `conveyor worker` nothing to run/]] as const) {
      const worker = await spawnWorker(workerEnv(db, 'work', kinds));
      children.push(worker);
      expect(await worker.exited).toEqual({ code: 78, signal: null });
      expect(worker.output()).toMatch(said);
    }
  });

  it('with ORCH_WORKER_KINDS=ci claims only ci jobs; SIGTERM marks its instance stopped and exits 0', async () => {
    writeAnalyst(false);
    const db = join(dir, 'conveyor.db');
    // A superseded sha: the ci job is done at once (no CI run needed to tell whose claim it was).
    await seed(db, [{ kind: 'ci', key: 'ci-a', payload: { sha: '0'.repeat(40), attempt: 1 } }]);
    expect(jobs(db).map((j) => [j.kind, j.state])).toEqual([['agent', 'queued'], ['ci', 'queued']]);

    const worker = await spawnWorker(workerEnv(db, 'work', 'ci'));
    children.push(worker);
    expect(worker.output()).toMatch(/"kinds":"ci"/);
    await waitFor(() => jobState(db, 'ci-a') === 'succeeded', 30_000, () => `ci-a not run:\n${worker.output()}`);
    // A second ci job, enqueued after the agent job was due: still the ci job is taken, not the agent.
    await seed(db, [{ kind: 'ci', key: 'ci-b', payload: { sha: '1'.repeat(40), attempt: 1 } }]);
    await waitFor(() => jobState(db, 'ci-b') === 'succeeded', 30_000, () => `ci-b not run:\n${worker.output()}`);
    expect(jobs(db).filter((j) => j.kind === 'agent')).toMatchObject([{ state: 'queued', attempts: 0 }]);
    expect(instances(db)).toMatchObject([{ pid: worker.child.pid, role: 'worker', kinds: 'ci', stopped_at: null }]);

    expect(await terminate(worker)).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/conveyor worker stopped/);
    const [row] = instances(db);
    expect(row?.stopped_at).toEqual(expect.any(Number));
    expect(await markerLines(join(dir, 'marker'))).toEqual([]);
  });

  it('a worker SIGKILLed mid-job: the next worker reclaims the job once, after the dead run is gone', async () => {
    writeAnalyst(true);
    const db = join(dir, 'conveyor.db');
    const marker = join(dir, 'marker');
    await seed(db);
    const first = await spawnWorker(workerEnv(db, 'work', 'agent'));
    children.push(first);
    await waitFor(async () => (await markerLines(marker)).some((l) => l.startsWith('start ')), 60_000, () => `the analyst never started:\n${first.output()}`);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(jobs(db)).toMatchObject([{ kind: 'agent', state: 'running', attempts: 1 }]);

    const second = await spawnWorker(workerEnv(db, 'work', 'agent'));
    children.push(second);
    await waitFor(() => jobs(db)[0]?.state === 'succeeded', 60_000, () => `the analyst job was not run again:\n${second.output()}`);
    const runs = (await markerLines(marker)).filter((l) => l.startsWith('start '));
    expect(runs).toHaveLength(2);
    expect(await markerLines(marker)).toContain('earlier-dead yes');
    expect(jobs(db)).toMatchObject([{ kind: 'agent', state: 'succeeded', attempts: 2 }]);
    // The second worker found the first dead and marked it so.
    const rows = instances(db);
    expect(rows.find((r) => r.pid === first.child.pid)?.stopped_at).toEqual(expect.any(Number));
    expect(rows.find((r) => r.pid === second.child.pid)).toMatchObject({ role: 'worker', kinds: 'agent', stopped_at: null });
    expect(second.output()).toMatch(/is gone; its running jobs are claimed again now/);
    expect(await terminate(second)).toEqual({ code: 0, signal: null });
  });

  it('runs beside a conveyor start on one file: the worker runs the analyst, the start (no jobs) delivers', async () => {
    writeAnalyst(false);
    const db = join(dir, 'conveyor.db');
    await seed(db);
    const sandbox = await startTelegramSandbox({ token: TOKEN });
    try {
      await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
      const start = await spawnConveyorStart({
        HOME: dir,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: sandbox.apiRoot,
        ORCH_DB_PATH: db,
        ORCH_WORKDIR: join(dir, 'start-work'),
        ORCH_PROJECTS_JSON: projectsJson(),
        ORCH_WORKER_KINDS: 'none',
      });
      children.push(start);
      await waitFor(async () => (await start.health()).status === 200, 30_000, () => `start never healthy:\n${start.output()}`);
      const worker = await spawnWorker(workerEnv(db, 'worker-work', 'all'));
      children.push(worker);
      await waitFor(() => queryDb<{ phase: string }>(db, 'SELECT phase FROM tasks')[0]?.phase === 'awaiting-approval', 60_000, () => `no BRD approval:\n${worker.output()}\n${start.output()}`);
      // What the worker's job wrote to the outbox, the leading start delivered.
      await waitFor(() => queryDb<{ n: number }>(db, "SELECT count(*) AS n FROM outbox WHERE state <> 'done'")[0]?.n === 0, 30_000, () => `outbox not drained:\n${start.output()}`);
      expect(queryDb<{ n: number }>(db, 'SELECT count(*) AS n FROM outbox')[0]?.n).toBeGreaterThan(0);
      expect(instances(db).map((r) => [r.pid, r.role, r.kinds, r.stopped_at])).toEqual([
        [start.child.pid, 'start', '', null],
        [worker.child.pid, 'worker', 'agent,ci,merge,cleanup,tracker,forge,staging,deploy,rollback', null],
      ]);
      expect((await markerLines(join(dir, 'marker'))).filter((l) => l.startsWith('start '))).toHaveLength(1);
      expect(await terminate(worker)).toEqual({ code: 0, signal: null });
      expect(await start.stop(30_000)).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});
