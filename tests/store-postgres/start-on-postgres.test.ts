/**
 * The product on PostgreSQL as an operator runs it (ADR 0054): the real bin as child processes,
 * configured only through their environment, on a private cluster. `migrate` and `doctor` name the
 * database without its password; two `start`s share the database (the second is not refused as
 * on SQLite), exactly one leads, and when the leader stops the other takes over; a `conveyor
 * worker` runs on it too. An unreachable
 * database exits 74 naming ORCH_DATABASE_URL.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { describePostgres } from '../support/describe-postgres.ts';
import { freePort, startPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { spawnConveyorStart, type StartedConveyor } from '../support/start-process.ts';
import { spawnWorker, type WorkerChild } from '../support/worker-process.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const PASSWORD = 'not-in-any-output-7f3a';
const TOKEN = '424242:pg-start-test-token-abcdefghijklm';
const CHAT = -1001234509876;
const dir = mkdtempSync(join(tmpdir(), 'conveyor-pg-start-'));
const PROJECTS = JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'none.git'), chatId: CHAT, approvers: [1], agents: { default: 'true' } }] });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function conveyor(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/conveyor.js', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The URL with a password the trust-authenticated test cluster ignores: it must never be printed. */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
}

/** What /healthz says about the leader lease (ADR 0052). */
async function leadership(s: StartedConveyor): Promise<{ leader?: boolean; leaderHolder?: string } | null> {
  return (await s.health()).body as { leader?: boolean; leaderHolder?: string } | null;
}

describe('an unreachable PostgreSQL', () => {
  it('start exits 74 with one line naming ORCH_DATABASE_URL, the password hidden', async () => {
    const url = `postgres://conveyor:${PASSWORD}@127.0.0.1:${await freePort()}/conveyor`;
    const result = await conveyor(['start'], {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
      ORCH_DATABASE_URL: url,
      ORCH_WORKDIR: join(dir, 'unreachable'),
      ORCH_PROJECTS_JSON: PROJECTS,
      ORCH_HTTP_PORT: '0',
    });
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toContain(`conveyor: ORCH_DATABASE_URL: cannot reach the database postgres://conveyor:***@127.0.0.1:`);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('conveyor:'))).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('an invalid ORCH_DATABASE_URL refuses to start (78) without echoing it', async () => {
    const result = await conveyor(['migrate'], { ORCH_DATABASE_URL: `mysql://root:${PASSWORD}@db/x` });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain('ORCH_DATABASE_URL: must start with postgres:// or postgresql://');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

describePostgres('conveyor on PostgreSQL', (binDir) => {
  let cluster: PgCluster;
  let url: string;
  let sandbox: TelegramSandbox;
  const started: StartedConveyor[] = [];
  const workers: WorkerChild[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster(binDir, { fast: true });
    url = withPassword(await cluster.createDatabase('conveyor'));
    sandbox = await startTelegramSandbox({ token: TOKEN });
    await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
  });
  afterAll(async () => {
    for (const s of [...started, ...workers]) s.child.kill('SIGKILL');
    await sandbox?.close();
    cluster?.stop();
  });

  it('migrate applies the PostgreSQL migrations and prints the URL without its password; doctor reports it', async () => {
    const migrated = await conveyor(['migrate'], { ORCH_DATABASE_URL: url });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^migrations applied to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/conveyor\n$/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['tasks', 'jobs', 'inbox', 'outbox', 'leases', 'instances']));
    } finally {
      await client.end();
    }
    const doctor = await conveyor(['doctor'], { ORCH_DATABASE_URL: url, ORCH_PROJECTS_JSON: PROJECTS });
    expect(doctor.stdout).toMatch(/✓ database\n\s+· PostgreSQL \d[^\n]* at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/conveyor\n/);
    expect(doctor.stdout).toContain('migration(s) applied');
    for (const out of [migrated.stdout, migrated.stderr, doctor.stdout, doctor.stderr]) expect(out).not.toContain(PASSWORD);
  });

  it('runs a worker on the database: it registers as a worker with its kinds and marks itself stopped on SIGTERM', async () => {
    const worker = await spawnWorker({
      HOME: dir,
      ORCH_DATABASE_URL: url,
      ORCH_WORKDIR: join(dir, 'work-worker'),
      ORCH_PROJECTS_JSON: PROJECTS,
      ORCH_WORKER_KINDS: 'ci',
    });
    workers.push(worker);
    expect(worker.child.exitCode, worker.output()).toBeNull();
    expect(worker.output()).toContain('postgres://postgres:***@127.0.0.1:');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = await client.query<{ role: string; kinds: string }>(`SELECT role, kinds FROM instances WHERE stopped_at IS NULL`);
      expect(rows.rows).toEqual([{ role: 'worker', kinds: 'ci' }]);
      worker.child.kill('SIGTERM');
      expect((await worker.exited).code, worker.output()).toBe(0);
      const open = await client.query(`SELECT id FROM instances WHERE stopped_at IS NULL`);
      expect(open.rows).toEqual([]);
    } finally {
      await client.end();
    }
    expect(worker.output()).not.toContain(PASSWORD);
  });

  it('runs two starts on one database: both serve, exactly one leads, and the other takes over when it stops', async () => {
    const env = (name: string) => ({
      HOME: dir,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DATABASE_URL: url,
      ORCH_WORKDIR: join(dir, `work-${name}`),
      ORCH_PROJECTS_JSON: PROJECTS,
      ORCH_LEADER_TTL_S: '3',
    });
    const first = await spawnConveyorStart(env('a'));
    started.push(first);
    await waitFor(() => /conveyor started/.test(first.output()) || first.child.exitCode !== null, 30_000, () => first.output());
    const second = await spawnConveyorStart(env('b'));
    started.push(second);
    await waitFor(() => /conveyor started/.test(second.output()) || second.child.exitCode !== null, 30_000, () => second.output());
    expect(second.child.exitCode, second.output()).toBeNull();
    const leading = async () => await Promise.all([first, second].map(async (s) => await leadership(s)));
    let views: Awaited<ReturnType<typeof leading>> = [];
    await waitFor(
      async () => {
        views = await leading();
        return views.filter((v) => v?.leader === true).length === 1;
      },
      15_000,
      () => `no single leader: ${JSON.stringify(views)}\n${first.output()}\n${second.output()}`,
    );
    expect(views[0]?.leaderHolder).toBe(views[1]?.leaderHolder);
    const leader = views[0]?.leader === true ? first : second;
    const follower = leader === first ? second : first;
    expect(await leader.stop()).toBe(0);
    await waitFor(async () => (await leadership(follower))?.leader === true, 10_000, () => follower.output());
    expect(await follower.stop()).toBe(0);
    for (const s of [first, second]) expect(s.output()).not.toContain(PASSWORD);
  });
});
