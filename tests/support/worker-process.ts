/**
 * `conveyor worker` as an operator runs it, for tests: a real child process (bin/conveyor.js)
 * configured only through its environment (PATH is added, nothing else inherited). Collects its
 * output; resolves once it says it started, or ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './conveyor-harness.ts';

export interface WorkerChild {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export async function spawnWorker(env: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['bin/conveyor.js', 'worker'], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ORCH_LOG_LEVEL: 'info', ...env },
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor(() => /conveyor worker started/.test(text) || child.exitCode !== null, timeoutMs, () => `worker did not start:\n${text}`);
  return { child, exited, output: () => text };
}
