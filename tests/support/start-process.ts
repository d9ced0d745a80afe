/**
 * `conveyor start` as an operator runs it, for tests: a real child process (bin/conveyor.js)
 * configured only through its environment, on a free loopback port, talking to the Bot API
 * sandbox through TELEGRAM_API_ROOT. Collects its output; reads /healthz; stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './conveyor-harness.ts';

/** A `conveyor start` child: how it ended and what it wrote (stdout and stderr). */
export interface RunningConveyor {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Spawns `conveyor start` with exactly `env` (nothing is inherited) and collects its output. */
function spawnStart(env: Readonly<Record<string, string | undefined>>): RunningConveyor {
  const child = spawn(process.execPath, ['bin/conveyor.js', 'start'], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => text };
}

/**
 * Spawns `conveyor start` with exactly `env` and resolves once it says `conveyor started` or has
 * ended (the caller reads `exited`); throws with its output after `timeoutMs`.
 */
export async function startConveyorChild(env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<RunningConveyor> {
  const started = spawnStart(env);
  const { child } = started;
  await waitFor(() => /conveyor started/.test(started.output()) || child.exitCode !== null, timeoutMs, () => `conveyor did not start:\n${started.output()}`);
  return started;
}

/** /healthz's body. */
export interface HealthBody {
  readonly ok: boolean;
  readonly checks: Record<string, boolean | string>;
  readonly telegram?: { readonly state: string; readonly reason: string | null; readonly since: string };
}

export interface StartedConveyor {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** /healthz's status and body; status 0 when nothing answers. */
  health(): Promise<{ status: number; body: HealthBody | null }>;
  /** SIGTERM, then the exit code ('hung' after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null | 'hung'>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Spawns `conveyor start` with `env` (PATH is added; nothing else is inherited). `env` may be a
 * function of the listener's URL (webhook mode needs it in ORCH_PUBLIC_URL).
 */
export async function spawnConveyorStart(
  vars: Readonly<Record<string, string>> | ((url: string) => Readonly<Record<string, string>>),
): Promise<StartedConveyor> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = typeof vars === 'function' ? vars(url) : vars;
  const started = spawnStart({ PATH: process.env.PATH, ORCH_HTTP_PORT: String(port), ORCH_LOG_LEVEL: 'info', ...env });
  const { child } = started;
  const exited = started.exited.then(({ code }) => code);
  return {
    child,
    url,
    output: () => started.output(),
    exited,
    async health() {
      try {
        const response = await fetch(`${url}/healthz`);
        return { status: response.status, body: (await response.json()) as HealthBody };
      } catch {
        return { status: 0, body: null };
      }
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode === null) child.kill('SIGTERM');
      return Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), timeoutMs))]);
    },
  };
}
