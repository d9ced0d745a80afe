/**
 * Reconciler pass benchmark on real SQLite files (WAL, synchronous NORMAL, as openStore sets them):
 * 10k and 100k tasks, 1% eligible (waiting past their grace with no active job, spread over the
 * stages, a quarter of them waiting for CI so the gate probe queries statuses); the rest done or
 * cancelled, escalated, changed within the grace, or with a queued or running job. Rows are
 * inserted in bulk with raw prepared statements in one transaction. Each size runs warm-up passes,
 * then timed real passes with the production probe list (no tracker or forge reader: the eligible
 * tasks' probes find nothing, so every pass does the same work), while the event-loop delay is
 * sampled (a fresh monitor per size; the reported p99 is the worse size's). A third, informational
 * run repeats 100k with 15% of tasks holding a job. Run: `npx tsx tests/bench/reconciler.bench.ts`
 * (npm run bench:reconciler). The last line is one JSON object: tasks, pass_ms_p50, pass_ms_p99
 * (per size) and loop_delay_p99_ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { reconcilerProbes } from '../../core/reconciler/probes.ts';
import { Reconciler } from '../../core/reconciler/reconciler.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { insertTasks, makeProjects, type SeedTask } from '../support/reconciler-harness.ts';

const SIZES = [10_000, 100_000] as const;
const PASSES: Record<number, number> = { 10_000: 200, 100_000: 30 };
const WARMUP = 10;
/** Share of tasks with a queued or running job (the pass must read past them). */
const BUSY_PCT = 4;
const STRESS_BUSY_PCT = 15;
const GRACE_MS = 300_000;
const STAGES = ['analysis', 'development', 'review', 'testing'] as const;

/**
 * The population, by index (deterministic, interleaved): 1% eligible, `busyPct`% with a queued or
 * running job, 10% changed within the grace, 5% escalated, 5% cancelled, the rest done.
 */
function seedRows(count: number, now: number, busyPct: number): { rows: SeedTask[]; eligible: number } {
  const rows: SeedTask[] = [];
  let eligible = 0;
  for (let i = 0; i < count; i++) {
    const id = `SHOP-${i + 1}`;
    // Runs of three share a stage, so every kind of task lands in every stage.
    const stage = STAGES[Math.floor(i / 3) % STAGES.length]!;
    const old = now - GRACE_MS - 60_000 - (i % 5_000) * 1_000;
    const slot = i % 100;
    if (slot === 0) {
      eligible += 1;
      const waitingCi = stage === 'development';
      rows.push({ id, stage, phase: waitingCi ? 'awaiting-ci' : stage === 'analysis' ? 'awaiting-approval' : 'working', updatedAt: old, headSha: waitingCi ? i.toString(16).padStart(40, '0') : null, job: 'succeeded' });
    } else if (slot < 1 + busyPct) rows.push({ id, stage, updatedAt: old, job: slot % 2 === 0 ? 'queued' : 'running' });
    else if (slot < 11 + busyPct) rows.push({ id, stage, updatedAt: now - (i % 200) * 1_000 });
    else if (slot < 16 + busyPct) rows.push({ id, stage, updatedAt: old, escalated: true, job: 'succeeded' });
    else if (slot < 21 + busyPct) rows.push({ id, stage: 'cancelled', phase: 'idle', updatedAt: old });
    else rows.push({ id, stage: 'done', phase: 'idle', updatedAt: old, job: 'succeeded' });
  }
  return { rows, eligible };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function measure(dir: string, count: number, busyPct: number): Promise<{ p50: number; p99: number; delayP99: number; delayMax: number }> {
  const file = join(dir, `reconciler-${count}-${busyPct}.db`);
  const store = openStore(file);
  try {
    const project = makeProjects([{}])[0]!;
    const projects = new Map([[project.id, project]]);
    const now = Date.now();
    const { rows, eligible } = seedRows(count, now, busyPct);
    const seedStarted = performance.now();
    insertTasks(store.sqlite, project.id, rows);
    store.sqlite.pragma('optimize');
    // The seeding's WAL is checkpointed here, not charged to the first timed pass.
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const seedMs = performance.now() - seedStarted;
    const queue = new JobQueue(store);
    const engine = new Engine(store, { queue, projects, maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false, newId: randomId, logger: silentLogger }, systemClock);
    const reconciler = new Reconciler({
      store,
      engine,
      clock: systemClock,
      logger: silentLogger,
      probes: reconcilerProbes({ store, projects, trackerReader: null, forgeReader: null, reconcile: { planeEnabled: true, graceS: GRACE_MS / 1000, graceByStage: {} } }),
      query: { graceMs: {}, defaultGraceMs: GRACE_MS, skipBlocked: true, pageSize: 200 },
    });
    for (let i = 0; i < WARMUP; i++) await reconciler.runPass({ dryRun: false, actor: 'bench' });
    const durations: number[] = [];
    // A fresh monitor per size: a re-enabled one would count the seeding's block as a delay.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    for (let i = 0; i < (PASSES[count] ?? 10); i++) {
      const started = performance.now();
      const report = await reconciler.runPass({ dryRun: false, actor: 'bench' });
      durations.push(performance.now() - started);
      if (report.examined !== eligible || report.unblocked.length !== 0) throw new Error(`pass examined ${report.examined} of ${eligible} eligible, unblocked ${report.unblocked.length}`);
    }
    delay.disable();
    durations.sort((a, b) => a - b);
    const result = { p50: round(percentile(durations, 50)), p99: round(percentile(durations, 99)), delayP99: round(delay.percentile(99) / 1e6), delayMax: round(delay.max / 1e6) };
    console.log(`${count} tasks (${eligible} eligible, ${busyPct}% with an active job, seeded in ${Math.round(seedMs)} ms): pass p50 ${result.p50} ms, p99 ${result.p99} ms over ${durations.length} passes; event-loop delay p99 ${result.delayP99} ms, max ${result.delayMax} ms`);
    return result;
  } finally {
    store.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-bench-reconciler-'));
  try {
    const results = [];
    for (const count of SIZES) results.push(await measure(dir, count, BUSY_PCT));
    // Not in the summary: the same pass when a sixth of all tasks hold a queued or running job.
    await measure(dir, 100_000, STRESS_BUSY_PCT);
    // One figure for both sizes: the worse of the two.
    const loopDelayP99 = Math.max(...results.map((r) => r.delayP99));
    console.log(JSON.stringify({ tasks: [...SIZES], pass_ms_p50: results.map((r) => r.p50), pass_ms_p99: results.map((r) => r.p99), loop_delay_p99_ms: loopDelayP99 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
