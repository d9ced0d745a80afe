/**
 * Staging benchmark (issue 9): a cached rebuild + container replace + health + checks of a small
 * busybox image (the demo's staging seed), through Conveyor's staging run (the dockerode adapter
 * of the Docker port, budget, verdict, report) against the same Engine API calls made directly with
 * dockerode in the same run, interleaved so both see the same machine load. Each iteration stages
 * a new sha (new tag and labels over cached layers), as consecutive tasks do. Needs a Docker engine
 * (`DOCKER_HOST`, else the local socket) and /bin/busybox. Run: `npm run bench:staging`.
 * The last line is one JSON object: conveyor_ms_p50, direct_ms_p50, ratio (target ≤ 1.3).
 */
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { pack } from 'tar-fs';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { stagingSchema } from '../../core/config/staging-schema.ts';
import { createStagingRunner } from '../../core/staging/staging-run.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const WARMUP = 2;
const SEED = fileURLToPath(new URL('../../app/demo/staging-seed/', import.meta.url));
const dockerHost = process.env.DOCKER_HOST;
const runId = `bench-${process.pid}-${Date.now().toString(36)}`;
const health = 'wget -q -O- http://127.0.0.1:8080/healthz';
const checks = [
  { id: 'C1', name: 'API answers', command: 'wget -q -O- http://127.0.0.1:8080/api/ping | grep -q pong' },
  { id: 'C2', name: 'status page present', command: 'test -s /www/healthz' },
];
const staging = stagingSchema.parse({ health: { command: health, timeoutS: 30 }, checks, memoryMb: 64, timeoutS: 120 });

const context = mkdtempSync(join(tmpdir(), 'conveyor-bench-staging-'));
cpSync(SEED, context, { recursive: true });
copyFileSync('/bin/busybox', join(context, 'busybox'));

const port = new DockerodeDocker({ dockerHost });
const runner = createStagingRunner({ docker: port, healthPollMs: 100 });
const engine = dockerHost ? new Docker({ socketPath: dockerHost.replace(/^unix:\/\//, '') }) : new Docker();

async function conveyor(sha: string): Promise<void> {
  const result = await runner.run({ projectId: 'BENCHC', taskId: runId, sha, worktreePath: context, staging, strict: false });
  if (result.verdict !== 'SUCCESS') throw new Error(`conveyor staging failed: ${result.reason ?? ''}\n${result.report}`);
}

/** The same engine calls, written directly: build, replace, poll health, run the checks. */
async function direct(sha: string): Promise<void> {
  const t0 = performance.now();
  const tag = `conveyor/benchd:${sha}`;
  const labels = { 'org.opencontainers.image.revision': sha, 'io.conveyor.task': runId, 'io.conveyor.project': 'BENCHD' };
  const stream = await engine.buildImage(pack(context), { t: tag, labels, dockerfile: 'Dockerfile', forcerm: true });
  type Event = { error?: string; aux?: { ID?: string } };
  const events = await new Promise<Event[]>((resolve, reject) =>
    engine.modem.followProgress(stream, (err: Error | null, out: unknown[]) => (err ? reject(err) : resolve(out as Event[]))),
  );
  const failure = events.find((e) => e.error);
  if (failure) throw new Error(`direct build failed: ${failure.error}`);
  const imageId = events.find((e) => e.aux?.ID)?.aux?.ID ?? tag;
  const t1 = performance.now();
  const name = 'conveyor-staging-benchd';
  await engine.getContainer(name).remove({ force: true }).catch(() => undefined);
  const container = await engine.createContainer({ name, Image: imageId, Env: [], Labels: labels, HostConfig: { NetworkMode: 'none', Memory: 64 * 1024 * 1024, Init: true } });
  await container.start();
  const t2 = performance.now();
  for (let ok = false; !ok; ) {
    ok = (await exec(container, health)) === 0;
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
  const t3 = performance.now();
  for (const check of checks) if ((await exec(container, check.command)) !== 0) throw new Error(`direct check ${check.id} failed`);
  phases.push([t1 - t0, t2 - t1, t3 - t2, performance.now() - t3]);
}

/** Direct side's phases per round: build, replace, health, checks (ms). */
const phases: number[][] = [];

async function exec(container: Docker.Container, script: string): Promise<number> {
  const e = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await e.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  sink.resume();
  engine.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => (stream.on('end', resolve), stream.on('close', resolve)));
  for (;;) {
    const info = await e.inspect();
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function cleanup(): Promise<void> {
  for (const name of ['conveyor-staging-benchc', 'conveyor-staging-benchd']) await engine.getContainer(name).remove({ force: true }).catch(() => undefined);
  const images = await engine.listImages({ filters: { label: [`io.conveyor.task=${runId}`] } });
  for (const image of images) await engine.getImage(image.Id).remove({ force: true }).catch(() => undefined);
}

async function main(): Promise<void> {
  const times = { conveyor: [] as number[], direct: [] as number[] };
  try {
    for (let i = 0; i < WARMUP + ROUNDS; i += 1) {
      const sha = (i + 1).toString(16).padStart(40, '0');
      const order = i % 2 === 0 ? (['conveyor', 'direct'] as const) : (['direct', 'conveyor'] as const);
      for (const side of order) {
        const started = performance.now();
        await (side === 'conveyor' ? conveyor(sha) : direct(sha));
        if (i >= WARMUP) times[side].push(performance.now() - started);
      }
    }
  } finally {
    await cleanup();
    rmSync(context, { recursive: true, force: true });
  }
  const c = p50(times.conveyor);
  const d = p50(times.direct);
  console.log(`staging: ${ROUNDS} rounds after ${WARMUP} warm-up; conveyor p50 ${c.toFixed(1)} ms (min ${Math.min(...times.conveyor).toFixed(1)}), direct p50 ${d.toFixed(1)} ms (min ${Math.min(...times.direct).toFixed(1)})`);
  const phase = (i: number) => p50(phases.slice(WARMUP).map((p) => p[i]!)).toFixed(0);
  console.log(`direct phases p50: build ${phase(0)} ms, replace ${phase(1)} ms, health ${phase(2)} ms, checks ${phase(3)} ms`);
  console.log(JSON.stringify({ conveyor_ms_p50: Math.round(c * 10) / 10, direct_ms_p50: Math.round(d * 10) / 10, ratio: Math.round((c / d) * 100) / 100 }));
}

await main();
