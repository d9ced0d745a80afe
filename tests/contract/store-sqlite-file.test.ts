/**
 * The store contract on a SQLite file, opened as production opens it (WAL, a read connection, the
 * FIFO lock; a second store on the same file stands in for another process), plus what only a
 * SQLite file has: migrations at open, pragmas, durability across a reopen, two OS processes
 * claiming from one file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, type SqliteStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import type { NewJob } from '../../core/queue/job.ts';
import { getApproval, insertApproval } from '../../core/store/approval-repo.ts';
import { acquireLease, listLeases } from '../../core/store/lease-repo.ts';
import { appendTransition, hasEventKey, type NewTransition } from '../../core/store/transition-log.ts';
import { createTempStore, type TempStore } from '../support/temp-store.ts';
import { describeStoreContract } from './store.contract.ts';

describeStoreContract('SQLite file', async () => {
  const temp = createTempStore();
  return {
    store: temp.store,
    connect: async () => temp.connect(),
    cleanup: async () => temp.cleanup(),
  };
});

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T0 = 1_800_000_000_000;
const LEASE = 1_000;

function job(key: string, extra: Partial<NewJob> = {}): NewJob {
  return { kind: 'ci', taskId: 'SHOP-1', payload: { key }, idempotencyKey: key, ...extra };
}

function transition(taskId: string, eventKey: string | null): NewTransition {
  return {
    taskId,
    fromStage: 'analysis',
    fromPhase: 'working',
    toStage: 'analysis',
    toPhase: 'awaiting-approval',
    reason: 'test',
    actor: 'test',
    eventKey,
    at: T0,
  };
}

describe('SQLite file store', () => {
  let f: TempStore;
  let store: SqliteStore;
  beforeEach(() => {
    f = createTempStore();
    store = f.store;
  });
  afterEach(() => f.cleanup());

  describe('opening', () => {
    it('applies every committed migration once, and reopening applies none again', () => {
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      };
      const applied = () =>
        (store.sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
      const tables = () =>
        (
          store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
            name: string;
          }[]
        ).map((t) => t.name);
      expect(applied()).toBe(journal.entries.length);
      expect(tables()).toEqual(
        expect.arrayContaining([
          'projects',
          'tasks',
          'transitions',
          'jobs',
          'inbox',
          'outbox',
          'cards',
          'approvals',
          'leases',
          'ci_statuses',
          'kv',
        ]),
      );
      store = f.reopen();
      store = f.reopen();
      expect(applied()).toBe(journal.entries.length);
    });

    it('runs in WAL mode with a busy timeout, NORMAL sync and foreign keys, on every connection', () => {
      const check = (s: SqliteStore) => {
        expect(s.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
        expect(s.sqlite.pragma('synchronous', { simple: true })).toBe(1);
        expect(s.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      };
      check(store);
      if (store.path !== ':memory:')
        expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      check(f.reopen());
    });

    it('keeps committed rows across a close and reopen', async () => {
      const id = (await store.queue.enqueue(job('durable'), T0))!;
      await store.queue.claim(['ci'], 'w1', T0, LEASE);
      await store.transaction(async (tx) => {
        await appendTransition(tx, transition('SHOP-1', 'ev-1'));
        await insertApproval(tx, {
          id: 'a1',
          taskId: 'SHOP-1',
          gate: 'brd',
          round: 1,
          state: 'pending',
          summary: 'BRD',
          createdAt: T0,
        });
        await acquireLease(tx, 'merge:SHOP', 'SHOP-1', 60_000, T0);
      });
      store = f.reopen();
      const again = await store.queue.getInTx(null, id);
      expect(again).toMatchObject({
        state: 'running',
        leaseOwner: 'w1',
        attempts: 1,
        payload: { key: 'durable' },
      });
      expect(await hasEventKey(store.db, 'ev-1')).toBe(true);
      expect((await getApproval(store.db, 'a1'))?.state).toBe('pending');
      expect(await listLeases(store.db)).toMatchObject([{ name: 'merge:SHOP', holder: 'SHOP-1' }]);
    });
  });

  it('never hands one job to two processes claiming at the same time, and never reports SQLITE_BUSY', async (ctx) => {
    if (!f.connect || store.path === ':memory:')
      return ctx.skip('needs a database file another process can open');
    const total = 1_000;
    await store.transaction(async (tx) => {
      for (let i = 0; i < total; i++) await store.queue.enqueueInTx(tx, job(`p${i}`), Date.now());
    });
    const child = await startClaimer(store.path);
    try {
      const mine: number[] = [];
      const errors: string[] = [];
      child.go();
      // Start once the child has claimed its first job, so both really contend (on a loaded
      // machine either side could otherwise drain all jobs before the other starts).
      const claimedByChild = () =>
        (store.sqlite.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE attempts > 0`).get() as { n: number }).n;
      for (const deadline = Date.now() + 20_000; claimedByChild() === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 5));
      for (;;) {
        try {
          const next = await store.queue.claim(['ci'], 'parent', Date.now(), 60_000);
          if (!next) break;
          mine.push(next.id);
          await store.transaction(
            async (tx) => await store.queue.completeInTx(tx, next.id, 'parent', Date.now()),
          );
        } catch (error) {
          errors.push(String(error));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const theirs = await child.result;
      const claims = [...mine, ...theirs.claimed];
      console.log(
        `[figure] two processes claiming ${total} jobs: parent ${mine.length}, child ${theirs.claimed.length}, double claims ${claims.length - new Set(claims).size}, busy errors ${errors.length + theirs.errors.length}`,
      );
      expect(errors).toEqual([]);
      expect(theirs.errors).toEqual([]);
      expect(mine.length).toBeGreaterThan(0);
      expect(theirs.claimed.length).toBeGreaterThan(0);
      const all = [...mine, ...theirs.claimed];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(total);
      expect(await store.queue.countByState()).toEqual({ succeeded: total });
    } finally {
      child.cleanup();
    }
  });
});

interface ClaimerResult {
  claimed: number[];
  errors: string[];
}

/**
 * A second OS process that opens the same file and claims `ci` jobs until none is left. It waits
 * for `go()` so both sides start together.
 */
async function startClaimer(
  dbPath: string,
): Promise<{ go(): void; result: Promise<ClaimerResult>; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-claimer-'));
  const script = join(dir, 'claimer.mts');
  const url = (file: string) => pathToFileURL(join(ROOT, file)).href;
  writeFileSync(
    script,
    `import { openSqliteStore } from ${JSON.stringify(url('adapters/store-sqlite/sqlite-store.ts'))};
const store = openSqliteStore(process.argv[2]);
const queue = store.queue;
const claimed = [];
const errors = [];
process.stdin.once('data', async () => {
  for (;;) {
    try {
      const job = await queue.claim(['ci'], 'child', Date.now(), 60000);
      if (!job) break;
      claimed.push(job.id);
      await store.transaction((tx) => queue.completeInTx(tx, job.id, 'child', Date.now()));
    } catch (error) {
      errors.push(String(error));
      break;
    }
    // Paced (about 1 ms a job) so neither process can drain the queue before the other starts.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  store.close();
  process.stdout.write('RESULT ' + JSON.stringify({ claimed, errors }) + '\\n', () => process.exit(0));
});
process.stdout.write('READY\\n');
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbPath], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`claimer exited (${code}) before it was ready: ${err}`)));
  });
  const result = new Promise<ClaimerResult>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as ClaimerResult);
      else reject(new Error(`claimer exited with ${code}: ${err}`));
    });
  });
  result.catch(() => undefined);
  await ready;
  return {
    go: () => child.stdin.write('go\n'),
    result,
    cleanup: () => {
      if (child.exitCode === null) child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
