/**
 * The Docker engine the test run uses: the one `DOCKER_HOST` names (or the local socket) when its
 * `/_ping` answers; else, when we are root and `dockerd` is installed, a private daemon under a
 * temporary root started the way `/work/shared/reference/docker.md` measured (no bridge, no
 * iptables, overlay2), stopped and removed when the run ends. Used by the vitest global setup.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** An engine found or started for the run. */
export interface TestEngine {
  /** A `DOCKER_HOST` value. */
  readonly dockerHost: string;
  /** Stops the daemon when this run started it; nothing otherwise. */
  stop(): Promise<void>;
}

/** Why there is no engine, for the one skip line. */
export type EngineLookup = { readonly type: 'found'; readonly engine: TestEngine } | { readonly type: 'none'; readonly reason: string };

/** True when `GET /_ping` on `dockerHost` answers 200 within `timeoutMs`. */
export function ping(dockerHost: string, timeoutMs = 2000): Promise<boolean> {
  const target = dockerHost.startsWith('unix://')
    ? { socketPath: dockerHost.slice('unix://'.length) }
    : (() => {
        const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
        return { host: url.hostname, port: Number(url.port) };
      })();
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Find a running engine, or start a private one when that is possible. */
export async function findOrStartEngine(env: Readonly<Record<string, string | undefined>>): Promise<EngineLookup> {
  const given = env.DOCKER_HOST?.trim();
  if (given) {
    if (await ping(given)) return { type: 'found', engine: { dockerHost: given, stop: async () => undefined } };
    return { type: 'none', reason: `DOCKER_HOST=${given} does not answer /_ping` };
  }
  const local = 'unix:///var/run/docker.sock';
  if (existsSync('/var/run/docker.sock') && (await ping(local))) return { type: 'found', engine: { dockerHost: local, stop: async () => undefined } };
  const dockerd = which('dockerd');
  if (!dockerd) return { type: 'none', reason: 'no engine (set DOCKER_HOST or install docker.io)' };
  if (process.getuid?.() !== 0) return { type: 'none', reason: 'no engine, and a private dockerd needs root (set DOCKER_HOST)' };
  const engine = await startPrivateDaemon(dockerd);
  return engine ? { type: 'found', engine } : { type: 'none', reason: 'a private dockerd did not answer /_ping within 20 s' };
}

/** Start `dockerd` under a fresh temporary root; null when it never becomes ready. */
export async function startPrivateDaemon(dockerd: string): Promise<TestEngine | null> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'conveyor-dockerd-'));
  const socket = path.join(root, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  // prettier-ignore
  const args = ['--host', dockerHost, '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'exec'),
    '--pidfile', path.join(root, 'docker.pid'), '--iptables=false', '--ip-masq=false', '--bridge=none', '--storage-driver=overlay2'];
  const logFd = openSync(path.join(root, 'dockerd.log'), 'a');
  const child = spawn(dockerd, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.unref();
  const stop = (): Promise<void> => stopPrivateDaemon(root, child.pid);
  for (let waited = 0; waited < 20_000; waited += 100) {
    if (await ping(dockerHost, 500)) return { dockerHost, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  return null;
}

/** SIGTERM the daemon, wait for it to exit, unmount what it left under exec/ and remove the root. */
export async function stopPrivateDaemon(root: string, fallbackPid: number | undefined): Promise<void> {
  const pid = Number((await readFile(path.join(root, 'docker.pid'), 'utf8').catch(() => '')).trim()) || fallbackPid;
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let waited = 0; waited < 15_000 && alive(pid); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  const mounts = (await readFile('/proc/self/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mount) => mount.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const mount of mounts) {
    try {
      execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
    } catch {
      // not mounted any more
    }
  }
  await rm(root, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const candidate = path.join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
