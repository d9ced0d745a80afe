/**
 * Queue benchmark on real SQLite files (WAL, synchronous NORMAL, as openStore sets them):
 * (i) claim → yield → complete throughput of the durable queue at several concurrencies,
 * (ii) the baseline: plain single-row UPDATEs on raw better-sqlite3, one BEGIN IMMEDIATE … COMMIT
 * each, (iii) engine transition latency: an ApprovalDecided that commits a transition and enqueues
 * the developer job; a diagnostic line repeats (iii) with wal_autocheckpoint = 0.
 * Run: `npx tsx tests/bench/queue.bench.ts` (npm run bench:queue). Figures: docs/benchmarks.md.
 * The last line is one JSON object: claims_per_s, raw_updates_per_s, ratio, transition_p50_ms,
 * transition_p99_ms.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProjects } from '../../core/config/projects.ts';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';

const JOBS = 10_000;
const WARMUP = 1_000;
const CONCURRENCIES = [1, 4, 16] as const;
const ROUNDS = 3;
const TASKS = 2_000;
const BRD = '# BRD\n\nAdd a wishlist button to the product page.\n';

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** claims/s for `count` jobs drained by `concurrency` async workers on a fresh database file. */
async function claimThroughput(
  dir: string,
  label: string,
  count: number,
  concurrency: number,
): Promise<number> {
  const file = join(dir, `claims-${label}.db`);
  const store = openStore(file);
  try {
    const queue = new JobQueue(store);
    const now = Date.now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        await queue.enqueueInTx(
          tx,
          {
            kind: 'agent',
            taskId: `BENCH-${i + 1}`,
            payload: { role: 'developer', attempt: 1 },
            idempotencyKey: `bench:${i}`,
          },
          now,
        );
      }
    });
    // As WorkerPool does: claim a first job, then complete each job and claim the slot's next
    // one in the same transaction.
    const worker = async (n: number): Promise<void> => {
      const owner = `bench-worker-${n}`;
      let job = await queue.claim(['agent', 'ci'], owner, Date.now(), 60_000);
      while (job) {
        await yieldToLoop(); // the handler's await
        const current = job;
        job = await store.transaction(async (tx) => {
          if (!await queue.completeInTx(tx, current.id, owner, Date.now())) throw new Error(`job ${current.id} lost its lease`);
          return await queue.claimInTx(tx, ['agent', 'ci'], owner, Date.now(), 60_000);
        });
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, (_, n) => worker(n)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const states = await queue.countByState();
    if (states.succeeded !== count)
      throw new Error(`expected ${count} succeeded jobs, got ${JSON.stringify(states)}`);
    return count / seconds;
  } finally {
    store.close();
    removeDatabase(file);
  }
}

/** UPDATEs/s: one single-row UPDATE per BEGIN IMMEDIATE … COMMIT on raw better-sqlite3. */
function rawUpdates(dir: string, label: string, count: number): number {
  const file = join(dir, `raw-${label}.db`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.exec(
      'CREATE TABLE items (id INTEGER PRIMARY KEY, state TEXT NOT NULL, counter INTEGER NOT NULL, updated_at INTEGER NOT NULL)',
    );
    const insert = db.prepare(
      `INSERT INTO items (id, state, counter, updated_at) VALUES (?, 'queued', 0, 0)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= count; i++) insert.run(i);
    }).immediate();
    const begin = db.prepare('BEGIN IMMEDIATE');
    const update = db.prepare('UPDATE items SET counter = counter + 1, updated_at = ? WHERE id = ?');
    const commit = db.prepare('COMMIT');
    const started = process.hrtime.bigint();
    for (let i = 1; i <= count; i++) {
      begin.run();
      update.run(Date.now(), i);
      commit.run();
    }
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    db.close();
    removeDatabase(file);
  }
}

interface Latencies {
  finished: number[];
  approved: number[];
}

/**
 * Tasks through the engine: each task is requested; its analyst job is claimed and completed
 * with AgentRunFinished in one transaction, as the worker does (BRD → awaiting approval); then
 * the approval is decided, which commits the transition to development and enqueues the developer.
 */
async function engineLatency(
  dir: string,
  label: string,
  tasks: number,
  options: { autoCheckpoint: boolean },
): Promise<Latencies> {
  const file = join(dir, `engine-${label}.db`);
  // The store's default checkpoints the WAL from a timer; autoCheckpoint measures SQLite's own.
  const store = openStore(file, options.autoCheckpoint ? { checkpointIntervalMs: 0 } : {});
  try {
    const parsed = parseProjects(
      JSON.stringify({
        projects: [
          {
            id: 'SHOP',
            repo: 'acme/shop',
            cloneUrl: '/nonexistent/shop.git',
            chatId: -100123,
            approvers: [111],
            agents: { default: 'true' },
          },
        ],
      }),
      'bench',
    );
    if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
    const queue = new JobQueue(store);
    const projects = new Map(parsed.projects.map((p) => [p.id, p]));
    const engine = new Engine(
      store,
      {
        queue,
        projects,
        maxDeveloperRetries: 3,
        trackerEnabled: false,
        forgeEnabled: false,
        newId: randomId,
        logger: silentLogger,
      },
      systemClock,
    );
    const ids: string[] = [];
    for (let i = 0; i < tasks; i++) {
      const outcome = await engine.handle({
        type: 'TaskRequested',
        key: `bench:req:${i}`,
        projectId: 'SHOP',
        title: `Task ${i}`,
        source: 'chat',
        actor: 'telegram:111',
      });
      if (outcome.type !== 'created') throw new Error(`task ${i}: ${JSON.stringify(outcome)}`);
      ids.push(outcome.taskId);
    }
    const finished: number[] = [];
    for (let i = 0; i < tasks; i++) {
      const job = await queue.claim(['agent'], 'bench', Date.now(), 60_000);
      if (!job?.taskId) throw new Error('no analyst job to claim');
      const taskId = job.taskId;
      const started = process.hrtime.bigint();
      const outcome = await store.transaction(async (tx) => {
        if (!await queue.completeInTx(tx, job.id, 'bench', Date.now()))
          throw new Error(`job ${job.id} lost its lease`);
        const facts = {
          role: 'analyst' as const,
          attempt: 1,
          headSha: null,
          artifacts: { '01-brd.md': BRD },
          logTail: '',
        };
        return await engine.handleInTx(tx, {
          type: 'AgentRunFinished',
          key: `bench:analyst:${job.id}`,
          taskId,
          jobId: job.id,
          facts,
        });
      });
      finished.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (outcome.type !== 'applied') throw new Error(`${taskId} analyst: ${JSON.stringify(outcome)}`);
    }
    const approved: number[] = [];
    for (const taskId of ids) {
      const approval = await pendingApproval(store.db, taskId, 'brd');
      if (!approval) throw new Error(`${taskId} has no pending approval`);
      const started = process.hrtime.bigint();
      const outcome = await engine.handle({
        type: 'ApprovalDecided',
        key: `bench:approve:${taskId}`,
        taskId,
        approvalId: approval.id,
        decision: 'approve',
        actor: 'telegram:111:Alice',
      });
      approved.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (outcome.type !== 'applied') throw new Error(`${taskId} approval: ${JSON.stringify(outcome)}`);
    }
    const developers = (await queue.active()).filter((j) => j.payload.role === 'developer').length;
    if (developers !== tasks) throw new Error(`expected ${tasks} developer jobs, found ${developers}`);
    return { finished, approved };
  } finally {
    store.close();
    removeDatabase(file);
  }
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-queue-bench-'));
  try {
    console.log(
      `queue bench: ${JOBS} jobs per run, SQLite WAL + synchronous NORMAL files in ${dir}; ${cpus().length} cores, Node ${process.version}`,
    );
    await claimThroughput(dir, 'warmup', WARMUP, 4);
    rawUpdates(dir, 'warmup', WARMUP);
    // Repeated and interleaved, medians reported: other work on a shared machine hits every side alike.
    const claimRuns: Record<number, number[]> = { 1: [], 4: [], 16: [] };
    const rawRuns: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      rawRuns.push(rawUpdates(dir, `r${round}`, JOBS));
      for (const concurrency of CONCURRENCIES)
        claimRuns[concurrency]!.push(
          await claimThroughput(dir, `r${round}-c${concurrency}`, JOBS, concurrency),
        );
      const line = CONCURRENCIES.map((c) => `c${c} ${claimRuns[c]!.at(-1)!.toFixed(0)}`).join(', ');
      console.log(`round ${round}: raw ${rawRuns.at(-1)!.toFixed(0)} updates/s; claims/s ${line}`);
    }
    const claims = Object.fromEntries(CONCURRENCIES.map((c) => [c, median(claimRuns[c]!)])) as Record<
      number,
      number
    >;
    const raw = median(rawRuns);
    for (const concurrency of CONCURRENCIES) {
      console.log(
        `claim+complete, concurrency ${String(concurrency).padStart(2)}: ${claims[concurrency]!.toFixed(0)} claims/s (median of ${ROUNDS})`,
      );
    }
    console.log(
      `raw better-sqlite3 single-row UPDATE per BEGIN IMMEDIATE…COMMIT: ${raw.toFixed(0)} updates/s (median of ${ROUNDS})`,
    );
    const ratio = claims[1]! / raw;
    console.log(
      `ratio to raw: concurrency 1 ${ratio.toFixed(3)}, concurrency 4 ${(claims[4]! / raw).toFixed(3)}, concurrency 16 ${(claims[16]! / raw).toFixed(3)}`,
    );
    const latency = await engineLatency(dir, 'default', TASKS, { autoCheckpoint: false });
    const [fin50, fin99] = [percentile(latency.finished, 50), percentile(latency.finished, 99)];
    const [p50, p99] = [percentile(latency.approved, 50), percentile(latency.approved, 99)];
    console.log(
      `engine, ${TASKS} tasks: analyst job complete + AgentRunFinished (BRD → approval): p50 ${fin50.toFixed(3)} ms, p99 ${fin99.toFixed(3)} ms`,
    );
    console.log(
      `engine, ${TASKS} tasks: ApprovalDecided (transition + developer job): p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms, max ${Math.max(...latency.approved).toFixed(3)} ms`,
    );
    // Diagnostic, not a target: the same path with SQLite's automatic WAL checkpoint, whose
    // fsyncs land inside whichever commit crosses the threshold (what openStore avoids).
    const quiet = (await engineLatency(dir, 'autocheckpoint', TASKS, { autoCheckpoint: true })).approved;
    console.log(
      `diagnostic, SQLite automatic checkpoints instead: ApprovalDecided p50 ${percentile(quiet, 50).toFixed(3)} ms, p99 ${percentile(quiet, 99).toFixed(3)} ms, max ${Math.max(...quiet).toFixed(3)} ms`,
    );
    const round = (n: number, digits: number) => Number(n.toFixed(digits));
    console.log(
      JSON.stringify({
        claims_per_s: round(claims[1]!, 0),
        raw_updates_per_s: round(raw, 0),
        ratio: round(ratio, 3),
        transition_p50_ms: round(p50, 3),
        transition_p99_ms: round(p99, 3),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
