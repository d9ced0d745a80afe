/**
 * Dashboard benchmark on a real SQLite file: 10k tasks (2% open, spread over the stages; the rest
 * done) with 200k transitions and 30k finished jobs, inserted in bulk. Measures the board and the
 * task page through the listener (`app.request`, session cookie, HTML rendered) against the same
 * read models run bare in the same run (ratio = page p99 / bare p99, for the slower page), and the
 * live-update fan-out: 200 viewers connected to `/app/events` on a real socket, time from an engine
 * transition to the last viewer's `change` event. Run: `npm run bench:dashboard`. The last line is
 * one JSON object: tasks, page_p50_ms, page_p99_ms, bare_p99_ms, ratio, fanout_p99_ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpGet, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDashboard } from '../../adapters/dashboard/build-dashboard.ts';
import { createListener } from '../../adapters/http/listener.ts';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { serveListener } from '../../adapters/http/serve.ts';
import { buildBoardView } from '../../core/dashboard/board-view.ts';
import { signInitData } from '../../core/dashboard/init-data.ts';
import { giteaRepoLinks } from '../../adapters/gitea/gitea-links.ts';
import { buildTaskView } from '../../core/dashboard/task-view.ts';
import { Engine, randomId } from '../../core/engine/engine.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { makeProject } from '../support/engine-harness.ts';

const TASKS = 10_000;
const TRANSITIONS_PER_TASK = 20;
const JOBS_PER_TASK = 3;
const ITERATIONS = 300;
const WARMUP = 30;
const VIEWERS = 200;
const FANOUT_ROUNDS = 30;
const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const STAGES = ['analysis', 'development', 'review', 'testing'] as const;

function seed(store: Store, now: number): void {
  const task = store.sqlite.prepare(
    `INSERT INTO tasks (id, project_id, title, source, stage, phase, attempts, rollbacks, escalated, blocked, branch, behind_default, last_event, last_event_at, stage_entered_at, created_at, updated_at, version)
     VALUES (?, 'SHOP', ?, 'chat', ?, ?, '{"developer":1}', ?, 0, 0, ?, 0, 'seeded', ?, ?, ?, ?, 1)`,
  );
  const transition = store.sqlite.prepare(`INSERT INTO transitions (task_id, from_stage, from_phase, to_stage, to_phase, reason, actor, at) VALUES (?, ?, 'working', ?, 'working', ?, 'bench', ?)`);
  const job = store.sqlite.prepare(
    `INSERT INTO jobs (kind, task_id, payload, state, attempts, max_attempts, available_at, idempotency_key, created_at, updated_at, started_at, finished_at) VALUES ('agent', ?, ?, 'succeeded', 1, 3, ?, ?, ?, ?, ?, ?)`,
  );
  store.sqlite.transaction(() => {
    for (let i = 0; i < TASKS; i++) {
      const id = `SHOP-${i + 1}`;
      const open = i % 50 === 0;
      const created = now - (TASKS - i) * 600_000;
      const stage = open ? STAGES[(i / 50) % STAGES.length]! : 'done';
      task.run(id, `Task ${i + 1}`, stage, open ? 'working' : 'idle', i % 7 === 0 ? 1 : 0, `task/${id}`, created, created, created, created + TRANSITIONS_PER_TASK * 60_000);
      for (let t = 0; t < TRANSITIONS_PER_TASK; t++) {
        const to = t === TRANSITIONS_PER_TASK - 1 && !open ? 'done' : STAGES[t % STAGES.length]!;
        transition.run(id, t === 0 ? null : STAGES[(t - 1) % STAGES.length]!, to, t % 9 === 8 ? 'red: P1: a finding' : 'green', created + t * 60_000);
      }
      for (let j = 0; j < JOBS_PER_TASK; j++) {
        const role = ['analyst', 'developer', 'reviewer'][j]!;
        job.run(id, JSON.stringify({ role, attempt: 1, stage: STAGES[j] }), created, `${id}:agent:${role}:1`, created, created + 50_000, created + 1_000, created + 50_000);
      }
    }
  })();
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function time(fn: () => unknown): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

/** One viewer's event stream; `onChange` gets each `change` event's number. */
function connect(port: number, cookie: string, onChange: (seq: number) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/app/events', headers: { cookie } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.includes('event: change')) onChange(Number(/data: (\d+)/.exec(message)?.[1]));
          if (message.includes('event: hello')) resolve(res);
          end = buffer.indexOf('\n\n');
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-bench-dashboard-'));
  const store = openStore(join(dir, 'conveyor.db'));
  try {
    const project = makeProject({ approvers: [111] });
    const projects = new Map([[project.id, project]]);
    const seedStarted = performance.now();
    seed(store, Date.now());
    console.log(`seeded ${TASKS} tasks, ${TASKS * TRANSITIONS_PER_TASK} transitions, ${TASKS * JOBS_PER_TASK} jobs in ${Math.round(performance.now() - seedStarted)} ms`);
    const queue = new JobQueue(store);
    const engine = new Engine(store, { queue, projects, maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false, newId: randomId, logger: silentLogger }, systemClock);
    const readLog = () => null;
    const forgeLinks = () => giteaRepoLinks('https://git.example.com', 'acme/shop');
    const dashboard = buildDashboard({ store, queue, engine, projects, adminIds: [], botToken: TOKEN, initDataMaxAgeS: 3600, publicUrl: null, capacity: 2, forgeLinks, readLog, logger: silentLogger });
    const app = createListener({ store, giteaSecret: null, planeSecret: null, metrics: createMetrics(), logger: silentLogger, health: async () => ({ ok: true, checks: {} }), dashboard: dashboard.app });
    const initData = signInitData(TOKEN, { auth_date: String(Math.floor(Date.now() / 1000)), user: JSON.stringify({ id: 111, first_name: 'Bench' }) });
    const session = await app.request('/app/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    if (session.status !== 200) throw new Error(`sign-in failed: ${session.status}`);

    let n = 0;
    const taskId = () => `SHOP-${(((n += 1) * 7919) % TASKS) + 1}`;
    const page = async (path: string) => {
      const res = await app.request(path, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      await res.text();
    };
    const board = await time(() => page('/app/board'));
    const boardBare = await time(async () => await buildBoardView(store, project));
    const task = await time(() => page(`/app/task/${taskId()}`));
    const taskBare = await time(async () => await buildTaskView(store, project, taskId(), Date.now(), forgeLinks(), readLog));
    console.log(`board: page p50 ${board.p50} ms, p99 ${board.p99} ms; bare p50 ${boardBare.p50} ms, p99 ${boardBare.p99} ms`);
    console.log(`task page: page p50 ${task.p50} ms, p99 ${task.p99} ms; bare p50 ${taskBare.p50} ms, p99 ${taskBare.p99} ms`);
    const slower = board.p99 >= task.p99 ? { page: board, bare: boardBare } : { page: task, bare: taskBare };

    const listener = await serveListener(app, { host: '127.0.0.1', port: 0 });
    const received = new Map<number, number[]>();
    const streams = await Promise.all(
      Array.from({ length: VIEWERS }, () => connect(listener.port, cookie, (seq) => received.set(seq, [...(received.get(seq) ?? []), performance.now()]))),
    );
    const fanout: number[] = [];
    for (let round_ = 0; round_ < FANOUT_ROUNDS; round_++) {
      const before = new Set(received.keys());
      const started = performance.now();
      const outcome = await engine.handle({ type: 'TaskRequested', key: `bench:${round_}`, projectId: 'SHOP', title: `Live ${round_}`, source: 'chat', actor: 'telegram:111:Bench' });
      if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
      const deadline = Date.now() + 10_000;
      let seq: number | undefined;
      while (Date.now() < deadline) {
        seq = [...received.keys()].find((k) => !before.has(k));
        if (seq !== undefined && (received.get(seq)?.length ?? 0) >= VIEWERS) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const times = seq === undefined ? [] : (received.get(seq) ?? []);
      if (times.length < VIEWERS) throw new Error(`only ${times.length} of ${VIEWERS} viewers got the event`);
      fanout.push(Math.max(...times) - started);
    }
    fanout.sort((a, b) => a - b);
    const fanoutP99 = round(percentile(fanout, 99));
    console.log(`fan-out to ${VIEWERS} viewers: p50 ${round(percentile(fanout, 50))} ms, p99 ${fanoutP99} ms over ${FANOUT_ROUNDS} transitions`);
    for (const s of streams) s.destroy();
    dashboard.close();
    await listener.close();
    console.log(
      JSON.stringify({ tasks: TASKS, page_p50_ms: slower.page.p50, page_p99_ms: slower.page.p99, bare_p99_ms: slower.bare.p99, ratio: round(slower.page.p99 / slower.bare.p99), fanout_p99_ms: fanoutP99 }),
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
