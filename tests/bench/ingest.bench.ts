/**
 * Webhook ingest benchmark: the real listener on a real socket and SQLite file, driven by a load
 * generator in a child process (its own core) over loopback keep-alive connections, then the same
 * generator against a bare Hono route. Run: `npx tsx tests/bench/ingest.bench.ts`.
 * The last line is one JSON object: deliveries_per_s, p50_ms, p99_ms, bare_per_s, ratio, lost.
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { createListener } from '../../adapters/http/listener.ts';
import { createMetrics } from '../../adapters/http/metrics.ts';
import { serveListener } from '../../adapters/http/serve.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { inbox } from '../../adapters/store-sqlite/schema.ts';

const SECRET = 'bench-secret';
const COUNT = 5_000;
const WARMUP = 500;
const CONCURRENCY = 32;

interface Job {
  port: number;
  path: string;
  prefix: string;
  count: number;
  concurrency: number;
}
interface RunResult {
  okIds: string[];
  failures: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/** A Gitea-push-like body of 2–8 KB. */
function body(i: number): string {
  const size = 2048 + ((i * 7919) % 6144);
  const base = { ref: 'refs/heads/task/SHOP-42', before: 'a'.repeat(40), after: 'b'.repeat(40), repository: { full_name: 'acme/shop', default_branch: 'main' }, commits: [] as unknown[], pad: '' };
  base.pad = 'x'.repeat(Math.max(0, size - JSON.stringify(base).length));
  return JSON.stringify(base);
}

async function generate(job: Job): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const bodies = Array.from({ length: job.count }, (_, i) => body(i));
  const signatures = bodies.map((b) => createHmac('sha256', SECRET).update(b).digest('hex'));
  const okIds: string[] = [];
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const one = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const id = `${job.prefix}-${i}`;
      const started = process.hrtime.bigint();
      const req = request(
        {
          host: '127.0.0.1', port: job.port, path: job.path, method: 'POST', agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(bodies[i]!), 'X-Gitea-Delivery': id, 'X-Gitea-Event': 'push', 'X-Gitea-Signature': signatures[i]! },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
            if (res.statusCode! >= 200 && res.statusCode! < 300) okIds.push(id);
            else failures++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(bodies[i]);
    });
  const worker = async (): Promise<void> => {
    while (next < job.count) await one(next++);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  agent.destroy();
  return { okIds, failures, elapsedMs, latenciesMs };
}

/** Run `job` in the generator child and collect its result. */
function runInChild(job: Job): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--generator'], { execArgv: process.execArgv, stdio: 'inherit' });
    child.once('message', (result) => {
      resolve(result as RunResult);
      child.kill();
    });
    child.once('error', reject);
    child.send(job);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, port: number, path: string, prefix: string): Promise<RunResult & { perS: number; p50: number; p99: number }> {
  await runInChild({ port, path, prefix: `${prefix}-warm`, count: WARMUP, concurrency: CONCURRENCY });
  const result = await runInChild({ port, path, prefix, count: COUNT, concurrency: CONCURRENCY });
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const perS = (result.okIds.length / result.elapsedMs) * 1000;
  const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)];
  console.log(`${label}: ${result.okIds.length}/${COUNT} ok, ${result.failures} failed, ${result.elapsedMs.toFixed(0)} ms, ${perS.toFixed(0)}/s, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
  return { ...result, perS, p50, p99 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-bench-'));
  const store = openStore(join(dir, 'bench.db'));
  const app = createListener({ store, giteaSecret: SECRET, planeSecret: SECRET, metrics: createMetrics(), logger: silentLogger, health: async () => ({ ok: true, checks: {} }) });
  const listener = await serveListener(app, { host: '127.0.0.1', port: 0 });
  const bare = await serveListener(new Hono().post('/bare', (c) => c.text('200 OK')), { host: '127.0.0.1', port: 0 });
  try {
    console.log(`ingest bench: ${COUNT} signed Gitea deliveries of 2-8 KB, concurrency ${CONCURRENCY}, generator in a child process, SQLite WAL at ${store.path}`);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const ingest = await measure('listener', listener.port, '/webhooks/gitea', 'bench');
    loop.disable();
    // Tail latency is queueing at this concurrency; a long loop delay means the server itself stalled.
    console.log(`listener event-loop delay: p50 ${(loop.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(2)} ms, max ${(loop.max / 1e6).toFixed(2)} ms`);
    const baseline = await measure('bare hono', bare.port, '/bare', 'bare');
    const stored = new Set(store.readDb.select({ id: inbox.deliveryId }).from(inbox).all().map((r) => r.id));
    const lost = ingest.okIds.filter((id) => !stored.has(id)).length;
    const ratio = ingest.perS / baseline.perS;
    console.log(`stored rows ${stored.size}, lost ${lost}, ratio ${ratio.toFixed(3)}`);
    const round = (n: number, d = 2) => Number(n.toFixed(d));
    console.log(JSON.stringify({ deliveries_per_s: round(ingest.perS, 0), p50_ms: round(ingest.p50), p99_ms: round(ingest.p99), bare_per_s: round(baseline.perS, 0), ratio: round(ratio, 3), lost }));
  } finally {
    await listener.close();
    await bare.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--generator')) {
  process.once('message', (job) => {
    void generate(job as Job).then((result) => process.send?.(result));
  });
} else {
  await main();
}
