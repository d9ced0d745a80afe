/**
 * The DockerPort contract: every implementation (dockerode on the real engine, any fake) runs this
 * suite, so a fake cannot drift from what the engine really does. Everything it creates carries
 * the label `io.conveyor.test=<run>` and is removed by label at the end.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec, DockerPort } from '../../core/ports/docker.ts';
import { buildBusyboxImage, busyboxContext, removeLabelled, runLabel } from '../support/busybox-image.ts';

const LABEL = 'io.conveyor.test';

/** Run the shared DockerPort suite against `make()`. */
export function describeDockerContract(name: string, make: () => DockerPort): void {
  describe(`DockerPort contract: ${name}`, () => {
    const run = runLabel('contract');
    const labels = { [LABEL]: run };
    const base = `conveyor-test/base:${run}`;
    let docker: DockerPort;
    const spec = (suffix: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => ({
      name: `${run}-${suffix}`,
      image: base,
      env: {},
      command: ['sleep', '300'],
      networkMode: 'none',
      labels,
      init: true,
      ...extra,
    });

    beforeAll(async () => {
      docker = make();
      await buildBusyboxImage(docker, base, labels);
    });
    afterAll(async () => {
      await removeLabelled(docker, LABEL, run);
    });

    it('describes the engine', async () => {
      const info = await docker.info();
      expect(info.version).not.toBe('');
      expect(info.apiVersion).toMatch(/^1\.\d+$/);
    });

    it('builds an image with its tag and labels, and says its id', async () => {
      const tag = `conveyor-test/app:${run}-ok`;
      const dir = await busyboxContext('RUN echo built-step-output');
      try {
        const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag, labels: { ...labels, 'org.opencontainers.image.revision': 'abc123' }, buildArgs: {}, timeoutMs: 120_000 });
        expect(outcome.type).toBe('built');
        if (outcome.type !== 'built') return;
        expect(outcome.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(outcome.logTail).toContain('built-step-output');
        const image = await docker.inspectImage(tag);
        expect(image?.id).toBe(outcome.imageId);
        expect(image?.tags).toContain(tag);
        expect(image?.labels).toMatchObject({ 'org.opencontainers.image.revision': 'abc123', [LABEL]: run });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('reports a failing build step as failed with the log tail', async () => {
      const dir = await busyboxContext('RUN echo about-to-fail && exit 7');
      try {
        const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag: `conveyor-test/app:${run}-red`, labels, buildArgs: {}, timeoutMs: 120_000 });
        expect(outcome.type).toBe('failed');
        if (outcome.type !== 'failed') return;
        expect(outcome.reason).toMatch(/non-zero code: 7/);
        expect(outcome.logTail).toContain('about-to-fail');
        expect(await docker.inspectImage(`conveyor-test/app:${run}-red`)).toBeNull();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('reports a build the engine refuses (missing Dockerfile) as failed, not as a throw', async () => {
      const dir = await busyboxContext();
      try {
        const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Missing.Dockerfile', tag: `conveyor-test/app:${run}-nofile`, labels, buildArgs: {}, timeoutMs: 120_000 });
        expect(outcome.type).toBe('failed');
        if (outcome.type === 'failed') expect(outcome.reason).toMatch(/Missing\.Dockerfile|no such file|Cannot locate/i);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('stops a build at its timeout and reports it failed', async () => {
      const dir = await busyboxContext('RUN echo slow-step && sleep 60');
      try {
        const started = Date.now();
        const outcome = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag: `conveyor-test/app:${run}-slow`, labels, buildArgs: {}, timeoutMs: 2000 });
        expect(outcome).toMatchObject({ type: 'failed', reason: expect.stringMatching(/timed out/) });
        expect(Date.now() - started).toBeLessThan(30_000);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('honours .dockerignore, exceptions included', async () => {
      const tag = `conveyor-test/app:${run}-ignore`;
      const dir = await busyboxContext('COPY app /app', {
        '.dockerignore': 'app/secret.env\napp/cache\napp/logs/*.log\n!app/logs/keep.log\n',
        'app/main.txt': 'main',
        'app/secret.env': 'TOKEN=canary',
        'app/cache/big.bin': 'x',
        'app/logs/a.log': 'a',
        'app/logs/keep.log': 'k',
      });
      try {
        const built = await docker.buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag, labels, buildArgs: {}, timeoutMs: 120_000 });
        expect(built.type).toBe('built');
        const logDir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-log-'));
        const result = await docker.runToCompletion(spec('ignore', { image: tag, command: ['sh', '-c', 'find /app -type f | sort'] }), {
          timeoutMs: 30_000,
          logFile: path.join(logDir, 'run.log'),
        });
        await rm(logDir, { recursive: true, force: true });
        expect(result.output.trim().split('\n')).toEqual(['/app/logs/keep.log', '/app/main.txt']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('tags without changing the id, lists by label and removes, refusing an image in use', async () => {
      const image = await docker.inspectImage(base);
      expect(image).not.toBeNull();
      await docker.tagImage(base, 'conveyor-test/promoted', run);
      expect((await docker.inspectImage(`conveyor-test/promoted:${run}`))?.id).toBe(image!.id);
      const listed = await docker.listImages([`${LABEL}=${run}`]);
      expect(listed.map((i) => i.id)).toContain(image!.id);
      expect(await docker.listImages([`${LABEL}=${run}-nobody`])).toEqual([]);
      expect(await docker.removeImage(`conveyor-test/promoted:${run}`)).toBe('removed');
      expect(await docker.removeImage(`conveyor-test/promoted:${run}`)).toBe('absent');
      expect(await docker.inspectImage(base)).not.toBeNull();

      const lonely = `conveyor-test/in-use:${run}`;
      await buildBusyboxImage(docker, lonely, labels, 'LABEL purpose=in-use');
      await docker.replaceContainer(spec('in-use', { image: lonely }));
      expect(await docker.removeImage(lonely)).toBe('in-use');
      await docker.removeContainer(`${run}-in-use`);
      expect(await docker.removeImage(lonely)).toBe('removed');
    });

    it('replaces a container by name, with an init, no network, a memory limit and a user', async () => {
      const first = await docker.replaceContainer(spec('app', { env: { GREETING: 'one' } }));
      const second = await docker.replaceContainer(spec('app', { env: { GREETING: 'two' }, memoryMb: 64, user: '1234:2345' }));
      expect(second.id).not.toBe(first.id);
      expect(second.running).toBe(true);
      expect(second.labels[LABEL]).toBe(run);
      expect(await docker.listContainers([`${LABEL}=${run}`])).toEqual([expect.objectContaining({ name: `${run}-app`, id: second.id })]);
      const probe = await docker.exec(
        `${run}-app`,
        'echo "$GREETING"; id -u; id -g; ls /sys/class/net; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; tr "\\0" " " </proc/1/cmdline',
        30_000,
      );
      expect(probe.exitCode).toBe(0);
      const lines = probe.output.trim().split('\n');
      expect(lines.slice(0, 4)).toEqual(['two', '1234', '2345', 'lo']);
      expect(lines[4]).toBe(String(64 * 1024 * 1024));
      expect(lines[5]).toMatch(/init/);
      await docker.removeContainer(`${run}-app`);
      expect(await docker.containerState(`${run}-app`)).toBeNull();
    });

    it('hardens a container on request: no capabilities, no new privileges, a process limit', async () => {
      await docker.replaceContainer(spec('hard', { hardened: true }));
      await docker.replaceContainer(spec('soft'));
      const script = 'grep -E "^(CapEff|NoNewPrivs):" /proc/self/status | tr -s "\t " " "; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max';
      const hard = await docker.exec(`${run}-hard`, script, 30_000);
      expect(hard.output.trim().split('\n')).toEqual(['CapEff: 0000000000000000', 'NoNewPrivs: 1', '1024']);
      const soft = await docker.exec(`${run}-soft`, script, 30_000);
      expect(soft.output).not.toContain('CapEff: 0000000000000000');
      expect(soft.output).toContain('NoNewPrivs: 0');
    });

    it('runs exec scripts: exit codes, stdout and stderr together (engine order; sleeps make it deterministic), env, timeout', async () => {
      await docker.replaceContainer(spec('exec'));
      const ok = await docker.exec(`${run}-exec`, 'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo "$WHO" >&2; exit 3', 30_000, { WHO: 'conveyor' });
      expect(ok).toMatchObject({ exitCode: 3, timedOut: false });
      expect(ok.output).toBe('out1\nerr1\nconveyor\n');
      const slow = await docker.exec(`${run}-exec`, 'echo started; sleep 120', 1500);
      expect(slow.timedOut).toBe(true);
      expect(slow.output).toContain('started');
      expect(slow.durationMs).toBeLessThan(15_000);
      const ps = await docker.exec(`${run}-exec`, 'ps -o args', 30_000);
      expect(ps.output).not.toContain('sleep 120');
    });

    it('runs a one-shot container to completion with its log file, and kills it at the timeout', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-log-'));
      try {
        const logFile = path.join(dir, 'nested', 'run.log');
        const done = await docker.runToCompletion(spec('once', { command: ['sh', '-c', 'echo hello; sleep 0.2; echo oops >&2; exit 4'] }), { timeoutMs: 30_000, logFile });
        expect(done).toMatchObject({ exitCode: 4, timedOut: false });
        expect(done.output).toBe('hello\noops\n');
        expect(await readFile(logFile, 'utf8')).toBe('hello\noops\n');
        expect(await docker.containerState(`${run}-once`)).toBeNull();

        await writeFile(logFile, 'earlier\n');
        const slow = await docker.runToCompletion(spec('slow', { command: ['sh', '-c', 'echo waiting; sleep 120'] }), { timeoutMs: 1500, logFile });
        expect(slow.timedOut).toBe(true);
        expect(slow.durationMs).toBeLessThan(20_000);
        expect(await readFile(logFile, 'utf8')).toBe('earlier\nwaiting\n');
        expect(await docker.containerState(`${run}-slow`)).toBeNull();

        const controller = new AbortController();
        setTimeout(() => controller.abort(), 1000);
        const aborted = await docker.runToCompletion(spec('abort', { command: ['sleep', '120'] }), { timeoutMs: 60_000, logFile, signal: controller.signal });
        expect(aborted.timedOut).toBe(false);
        expect(aborted.durationMs).toBeLessThan(20_000);
        expect(await docker.containerState(`${run}-abort`)).toBeNull();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('removes containers idempotently', async () => {
      await docker.replaceContainer(spec('gone'));
      await docker.removeContainer(`${run}-gone`);
      await docker.removeContainer(`${run}-gone`);
      expect(await docker.containerState(`${run}-gone`)).toBeNull();
      expect(await docker.listContainers([`${LABEL}=${run}`, 'nobody'])).toEqual([]);
    });
  });
}
