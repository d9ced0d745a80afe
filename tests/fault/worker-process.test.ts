/**
 * `conveyor worker` as real processes (ADR 0055). On each database (tests/support/test-databases.ts:
 * a SQLite file, ORCH_DB_PATH; a private PostgreSQL cluster, ORCH_DATABASE_URL): a worker limited
 * to `ci` claims only ci jobs while an agent job stays queued, and SIGTERM marks its instance
 * stopped and exits 0; a worker SIGKILLed mid-job has its job reclaimed once, by the next worker's
 * sweep of dead instances of this host (the same path on both: registerInstance marks the dead row
 * stopped and expires its jobs' leases, so the job is claimed again at once, not after the lease),
 * with the dead run's agent gone before the new one starts; a worker and a `conveyor start` that
 * runs no jobs (ORCH_WORKER_KINDS=none) share the database: the worker runs the analyst, the start
 * delivers the approval request it wrote. Refusing a bad ORCH_WORKER_KINDS happens before any
 * database is opened, so that test runs once, on SQLite.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { pgTypes } from '../../adapters/store-postgres/pg-types.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import type { JobKind } from '../../core/queue/job.ts';
import { syncProjects } from '../../core/store/project-repo.ts';
import { killLeftoverAgents, markerLines, queryDb, recordRunPrelude, waitFor } from '../support/conveyor-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { spawnConveyorStart, type StartedConveyor } from '../support/start-process.ts';
import { describeEachDatabase, type TestDatabase } from '../support/test-databases.ts';
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

/** One test's database, as its processes and its reads see it. */
interface Shared {
  /** What points a process at it: ORCH_DB_PATH (SQLite) or ORCH_DATABASE_URL (PostgreSQL). */
  readonly env: Readonly<Record<string, string>>;
  /** Opens it through the store port, for seeding (either dialect). */
  readonly database: TestDatabase;
  readonly dbPath: string;
  readonly url: string | undefined;
  /** Rows of `sql`, read on a connection of the test's own. */
  rows<T>(sql: string): Promise<T[]>;
}

/**
 * A fresh database for this test. On PostgreSQL one client reads for the whole test (waitFor polls
 * every 50 ms), with bigint columns (ids, ms times, counts) parsed as numbers, as SQLite gives them.
 */
async function shared(db: TestDatabase): Promise<Shared> {
  const dbPath = join(dir, 'conveyor.db');
  const url = await db.fresh();
  if (url === undefined) return { env: { ORCH_DB_PATH: dbPath }, database: db, dbPath, url, rows: async <T>(sql: string) => queryDb<T>(dbPath, sql) };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  onTestFinished(() => client.end());
  return { env: { ORCH_DATABASE_URL: url }, database: db, dbPath, url, rows: async <T>(sql: string) => (await client.query({ text: sql, types: pgTypes })).rows as T[] };
}

/** Request SHOP-1 (its analyst job is queued) and enqueue `extra` jobs, as a `start` would have. */
async function seed(on: Shared, extra: readonly { kind: JobKind; key: string; payload: Record<string, unknown> }[] = []): Promise<void> {
  const store = await on.database.open(on.dbPath, on.url);
  try {
    const parsed = parseProjects(projectsJson(), 'test');
    if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
    await syncProjects(store, parsed.projects, Date.now());
    const queue = store.queue;
    const projects = new Map(parsed.projects.map((p) => [p.id, p]));
    const engine = new Engine(store, { queue, projects, maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false, newId: randomId, logger: silentLogger }, systemClock);
    await engine.handle({ type: 'TaskRequested', key: 'test:new:1', projectId: 'SHOP', title: 'Share the queue', source: 'chat', actor: 'telegram:111:Alice' });
    for (const job of extra) await queue.enqueue({ kind: job.kind, taskId: 'SHOP-1', payload: job.payload, idempotencyKey: job.key }, Date.now());
  } finally {
    await store.close();
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

const jobs = (on: Shared) => on.rows<JobLine>('SELECT id, kind, state, attempts, idempotency_key FROM jobs ORDER BY id');
const instances = (on: Shared) => on.rows<InstanceLine>('SELECT id, pid, role, kinds, stopped_at FROM instances ORDER BY started_at');
const jobState = async (on: Shared, key: string) => (await jobs(on)).find((j) => j.idempotency_key === key)?.state;

function workerEnv(db: Readonly<Record<string, string>>, workdir: string, kinds: string): Record<string, string> {
  return { HOME: dir, ...db, ORCH_WORKDIR: join(dir, workdir), ORCH_PROJECTS_JSON: projectsJson(), ORCH_WORKER_KINDS: kinds };
}

async function terminate(worker: WorkerChild): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  worker.child.kill('SIGTERM');
  return Promise.race([worker.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker hung on SIGTERM:\n${worker.output()}`)), 40_000))]);
}

describe('conveyor worker', () => {
  it('refuses an unknown kind and `none` naming ORCH_WORKER_KINDS (exit 78), needing no Telegram token', async () => {
    const db = { ORCH_DB_PATH: join(dir, 'conveyor.db') };
    for (const [kinds, said] of [['ci,docker', /ORCH_WORKER_KINDS: unknown job kind "docker"; valid kinds: agent, ci,/], ['none', /ORCH_WORKER_KINDS: `none` leaves `conveyor worker` nothing to run/]] as const) {
      const worker = await spawnWorker(workerEnv(db, 'work', kinds));
      children.push(worker);
      expect(await worker.exited).toEqual({ code: 78, signal: null });
      expect(worker.output()).toMatch(said);
    }
  });
});

describeEachDatabase('conveyor worker', (database) => {
  it('with ORCH_WORKER_KINDS=ci claims only ci jobs; SIGTERM marks its instance stopped and exits 0', async () => {
    writeAnalyst(false);
    const db = await shared(database);
    // A superseded sha: the ci job is done at once (no CI run needed to tell whose claim it was).
    await seed(db, [{ kind: 'ci', key: 'ci-a', payload: { sha: '0'.repeat(40), attempt: 1 } }]);
    expect((await jobs(db)).map((j) => [j.kind, j.state])).toEqual([['agent', 'queued'], ['ci', 'queued']]);

    const worker = await spawnWorker(workerEnv(db.env, 'work', 'ci'));
    children.push(worker);
    expect(worker.output()).toMatch(/"kinds":"ci"/);
    await waitFor(async () => (await jobState(db, 'ci-a')) === 'succeeded', 30_000, () => `ci-a not run:\n${worker.output()}`);
    // A second ci job, enqueued after the agent job was due: still the ci job is taken, not the agent.
    await seed(db, [{ kind: 'ci', key: 'ci-b', payload: { sha: '1'.repeat(40), attempt: 1 } }]);
    await waitFor(async () => (await jobState(db, 'ci-b')) === 'succeeded', 30_000, () => `ci-b not run:\n${worker.output()}`);
    expect((await jobs(db)).filter((j) => j.kind === 'agent')).toMatchObject([{ state: 'queued', attempts: 0 }]);
    expect(await instances(db)).toMatchObject([{ pid: worker.child.pid, role: 'worker', kinds: 'ci', stopped_at: null }]);

    expect(await terminate(worker)).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/conveyor worker stopped/);
    const [row] = await instances(db);
    expect(row?.stopped_at).toEqual(expect.any(Number));
    expect(await markerLines(join(dir, 'marker'))).toEqual([]);
  });

  it('a worker SIGKILLed mid-job: the next worker reclaims the job once, after the dead run is gone', async () => {
    writeAnalyst(true);
    const db = await shared(database);
    const marker = join(dir, 'marker');
    await seed(db);
    const first = await spawnWorker(workerEnv(db.env, 'work', 'agent'));
    children.push(first);
    await waitFor(async () => (await markerLines(marker)).some((l) => l.startsWith('start ')), 60_000, () => `the analyst never started:\n${first.output()}`);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await jobs(db)).toMatchObject([{ kind: 'agent', state: 'running', attempts: 1 }]);

    const second = await spawnWorker(workerEnv(db.env, 'work', 'agent'));
    children.push(second);
    await waitFor(async () => (await jobs(db))[0]?.state === 'succeeded', 60_000, () => `the analyst job was not run again:\n${second.output()}`);
    const runs = (await markerLines(marker)).filter((l) => l.startsWith('start '));
    expect(runs).toHaveLength(2);
    expect(await markerLines(marker)).toContain('earlier-dead yes');
    expect(await jobs(db)).toMatchObject([{ kind: 'agent', state: 'succeeded', attempts: 2 }]);
    // The second worker found the first dead and marked it so.
    const rows = await instances(db);
    expect(rows.find((r) => r.pid === first.child.pid)?.stopped_at).toEqual(expect.any(Number));
    expect(rows.find((r) => r.pid === second.child.pid)).toMatchObject({ role: 'worker', kinds: 'agent', stopped_at: null });
    expect(second.output()).toMatch(/is gone; its running jobs are claimed again now/);
    expect(await terminate(second)).toEqual({ code: 0, signal: null });
  });

  it('runs beside a conveyor start on one database: the worker runs the analyst, the start (no jobs) delivers', async () => {
    writeAnalyst(false);
    const db = await shared(database);
    await seed(db);
    const sandbox = await startTelegramSandbox({ token: TOKEN });
    try {
      await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
      const start = await spawnConveyorStart({
        HOME: dir,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: sandbox.apiRoot,
        ...db.env,
        ORCH_WORKDIR: join(dir, 'start-work'),
        ORCH_PROJECTS_JSON: projectsJson(),
        ORCH_WORKER_KINDS: 'none',
      });
      children.push(start);
      await waitFor(async () => (await start.health()).status === 200, 30_000, () => `start never healthy:\n${start.output()}`);
      const worker = await spawnWorker(workerEnv(db.env, 'worker-work', 'all'));
      children.push(worker);
      await waitFor(async () => (await db.rows<{ phase: string }>('SELECT phase FROM tasks'))[0]?.phase === 'awaiting-approval', 60_000, () => `no BRD approval:\n${worker.output()}\n${start.output()}`);
      // What the worker's job wrote to the outbox, the leading start delivered.
      const count = async (sql: string) => (await db.rows<{ n: number }>(sql))[0]?.n;
      await waitFor(async () => (await count("SELECT count(*) AS n FROM outbox WHERE state <> 'done'")) === 0, 30_000, () => `outbox not drained:\n${start.output()}`);
      expect(await count('SELECT count(*) AS n FROM outbox')).toBeGreaterThan(0);
      expect((await instances(db)).map((r) => [r.pid, r.role, r.kinds, r.stopped_at])).toEqual([
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
