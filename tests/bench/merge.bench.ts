/**
 * Merge-gate benchmark (issue 9): N = 1, 4, 8 tasks of one project reach the merge phase at once
 * (their development CI green in the same instant), with a ciCommand of fixed duration (2 s) and
 * no agents. Real parts: SQLite store, engine, worker pool, GitWorkspace on a real bare remote,
 * the local CI runner. Each task changes its own file, so every task after the first is behind
 * main when its turn comes: it is rebased, pushed, re-tested (2 s) and fast-forwarded.
 *
 * Reported per N: time until all are merged, merges per minute, the serial lower bound N × CI time
 * (the CI time measured in the same run, by running the ciCommand directly), their ratio; over all
 * merges the orchestrator's overhead per merge, excluding CI time (merge-job time, lease waits
 * excluded, minus the CI runs inside it: rebase, push, lease, bookkeeping) p50/p99; and main_broken,
 * the commits of main whose test fails (each commit checked out and tested).
 * Run: `npm run bench:merge`. The last line is one JSON object. Figures: docs/benchmarks.md.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FileRunFiles } from '../../adapters/agents/file-run-files.ts';
import { ProcessAgentRunner } from '../../adapters/agents/process-agent-runner.ts';
import { LocalCiRunner } from '../../adapters/ci/local-ci-runner.ts';
import { GitWorkspace } from '../../adapters/git/git-workspace.ts';
import { Engine } from '../../core/engine/engine.ts';
import type { JobDeps } from '../../core/jobs/job-deps.ts';
import { mergeJob } from '../../core/jobs/merge-job.ts';
import { systemClock } from '../../core/ports/clock.ts';
import type { CiRunnerPort } from '../../core/ports/ci-runner.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { WorkerPool, type JobHandler } from '../../core/queue/worker-pool.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { makeProject } from '../support/engine-harness.ts';
import { createGitRemote, pushCommit } from '../support/git-fixtures.ts';

const SIZES = [1, 4, 8] as const;
const CI_S = 2;
/** The project's test: every note is non-empty (what a broken merge would break). */
const TEST = `[ -d notes ] || exit 0; for f in notes/*; do [ -s "$f" ] || { echo "empty $f"; exit 1; }; done`;
const CI_COMMAND = `sleep ${CI_S} && sh test.sh`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Run the project's test at every commit of main; the number of commits where it fails. */
function brokenCommits(remote: string, dir: string): { tested: number; broken: number } {
  const check = join(dir, 'check');
  const env = { PATH: process.env.PATH, HOME: dir };
  execFileSync('git', ['clone', '-q', remote, check], { env });
  // Commits from before the test existed cannot be tested.
  const shas = execFileSync('git', ['rev-list', 'origin/main', '--', '.'], { cwd: check, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(
      (sha) =>
        execFileSync('git', ['ls-tree', '--name-only', sha, 'test.sh'], {
          cwd: check,
          encoding: 'utf8',
        }).trim() !== '',
    );
  let broken = 0;
  for (const sha of shas) {
    execFileSync('git', ['checkout', '-q', '--detach', sha], { cwd: check, env });
    try {
      execFileSync('sh', ['test.sh'], { cwd: check, stdio: 'pipe' });
    } catch {
      broken += 1;
    }
  }
  return { tested: shas.length, broken };
}

async function runSize(
  n: number,
): Promise<{ seconds: number; ciMs: number; overheads: number[]; main: { tested: number; broken: number } }> {
  const dir = mkdtempSync(join(tmpdir(), `conveyor-bench-merge-${n}-`));
  const git = await createGitRemote();
  try {
    await pushCommit(git.remote, 'main', { 'test.sh': `${TEST}\n` }, 'test');
    const project = makeProject({
      cloneUrl: git.remote,
      ciCommand: CI_COMMAND,
      stages: ['analysis', 'development'],
    });
    const projects = new Map([[project.id, project]]);
    const store = openStore(join(dir, 'c.db'));
    const queue = new JobQueue(store);
    const engine = new Engine(
      store,
      {
        queue,
        projects,
        maxDeveloperRetries: 3,
        trackerEnabled: false,
        forgeEnabled: false,
        newId: () => 'x',
        logger: silentLogger,
      },
      systemClock,
    );
    const env = { PATH: process.env.PATH, HOME: dir };
    const realCi = new LocalCiRunner({ baseEnv: env });
    const ciByTask = new Map<string, number>();
    const ci: CiRunnerPort = {
      async run(command, cwd, timeoutMs, logFile, projectId) {
        const task = basename(cwd); // worktrees/<project>/<task id>
        const started = performance.now();
        try {
          return await realCi.run(command, cwd, timeoutMs, logFile, projectId);
        } finally {
          ciByTask.set(task, (ciByTask.get(task) ?? 0) + performance.now() - started);
        }
      },
    };
    const deps: JobDeps = {
      store,
      projects,
      workspace: new GitWorkspace({ workdir: join(dir, 'work'), env }),
      agents: new ProcessAgentRunner({ baseEnv: env }),
      runFiles: new FileRunFiles({ workdir: join(dir, 'work') }),
      ci,
      tracker: null,
      forge: null,
      agentTimeoutMs: 60_000,
      staging: null,
      stagingInfraToleranceEnabled: true,
      mergeMaxWaitMs: 3600_000,
      clock: systemClock,
      logger: silentLogger,
    };
    const inner = mergeJob(deps);
    const jobMs = new Map<string, number>();
    const merge: JobHandler = {
      async run(job, signal) {
        const started = performance.now();
        try {
          return await inner.run(job, signal);
        } finally {
          jobMs.set(job.taskId ?? '', (jobMs.get(job.taskId ?? '') ?? 0) + performance.now() - started);
        }
      },
    };

    // N tasks whose development CI is pending on their pushed branches.
    const ids: string[] = [];
    for (let i = 1; i <= n; i += 1) {
      const created = await engine.handle({
        type: 'TaskRequested',
        key: `t${i}`,
        projectId: project.id,
        title: `Note ${i}`,
        source: 'chat',
        number: i,
        actor: 'bench',
      });
      if (created.type !== 'created') throw new Error(JSON.stringify(created));
      const sha = await pushCommit(
        git.remote,
        `task/${created.taskId}`,
        { [`notes/${i}.txt`]: `note ${i}\n` },
        `${created.taskId} note`,
      );
      store.sqlite
        .prepare(`UPDATE tasks SET stage = 'development', phase = 'awaiting-ci', head_sha = ? WHERE id = ?`)
        .run(sha, created.taskId);
      store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ?`).run(created.taskId);
      await deps.workspace.prepare(project, created.taskId);
      ids.push(created.taskId);
    }
    const pool = new WorkerPool(
      {
        name: 'side',
        kinds: ['merge'],
        concurrency: 2,
        handlers: { merge },
        owner: 'bench',
        pollMs: 1000,
        leaseMs: 60_000,
      },
      { store, queue, engine, clock: systemClock, logger: silentLogger },
    );
    engine.onHandled(() => pool.wake());
    pool.start();
    const t0 = performance.now();
    await store.transaction(async (tx) => {
      for (const id of ids)
        await engine.handleInTx(tx, {
          type: 'CiStatusReported',
          key: `ci:${id}`,
          taskId: id,
          sha: (await getTask(tx, id))!.headSha!,
          state: 'success',
          detail: '',
          actor: 'bench',
        });
    });
    while (!(await mapInOrder(ids, (id) => getTask(store.db, id))).every((t) => t?.stage === 'done')) {
      const stuck = (await mapInOrder(ids, async (id) => (await getTask(store.db, id))!)).find((t) => t.escalated || t.phase === 'working');
      if (stuck) throw new Error(`${stuck.id} did not merge: ${stuck.escalationReason ?? stuck.lastEvent}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    await pool.stop(5000);
    store.close();

    // The CI time, measured now by running the command directly.
    const ciStarted = performance.now();
    await realCi.run(CI_COMMAND, git.remote.replace(/origin\.git$/, ''), 60_000, join(dir, 'direct-ci.log'), 'BENCH');
    const ciMs = performance.now() - ciStarted;
    const overheads = ids.map((id) => (jobMs.get(id) ?? 0) - (ciByTask.get(id) ?? 0));
    return { seconds, ciMs, overheads, main: brokenCommits(git.remote, dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await git.cleanup();
  }
}

async function main(): Promise<void> {
  const seconds: number[] = [];
  const bounds: number[] = [];
  const ratios: number[] = [];
  const overheads: number[] = [];
  let broken = 0;
  for (const n of SIZES) {
    const result = await runSize(n);
    const bound = (n * result.ciMs) / 1000;
    seconds.push(Number(result.seconds.toFixed(2)));
    bounds.push(Number(bound.toFixed(2)));
    ratios.push(Number((result.seconds / bound).toFixed(3)));
    overheads.push(...result.overheads);
    broken += result.main.broken;
    console.log(
      `N=${n}: all merged in ${result.seconds.toFixed(2)} s (${((n / result.seconds) * 60).toFixed(1)} merges/min); serial bound ${n} × ${(result.ciMs / 1000).toFixed(2)} s = ${bound.toFixed(2)} s; ratio ${(result.seconds / bound).toFixed(3)}; overhead/merge p50 ${percentile(result.overheads, 50).toFixed(0)} ms; main commits failing the test: ${result.main.broken} of ${result.main.tested}`,
    );
  }
  console.log(
    JSON.stringify({
      tasks: [...SIZES],
      seconds,
      serial_bound_s: bounds,
      ratio_to_bound: ratios,
      overhead_p50_ms: Math.round(percentile(overheads, 50)),
      overhead_p99_ms: Math.round(percentile(overheads, 99)),
      main_broken: broken,
    }),
  );
}

await main();
