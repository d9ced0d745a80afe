/**
 * Running Conveyor as a real child process for fault tests (tests/support/conveyor-process.ts),
 * reading its database the way an operator would, and cleaning up agent groups it left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readProcessStat } from '../../adapters/agents/process-table.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(REPO_ROOT, 'tests/support/conveyor-process.ts');

export interface ConveyorProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export interface FaultSetup {
  readonly root: string;
  readonly remote: string;
  readonly leaseMs: number;
  readonly graceMs: number;
  /** More FAULT_* settings for the child (see conveyor-process.ts). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Start conveyor-process.ts on `root`'s database and workdir; resolves once it printed `ready`. */
export async function startConveyorProcess(
  setup: FaultSetup,
  children: ChildProcess[],
): Promise<ConveyorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: setup.root,
      FAULT_DB_PATH: path.join(setup.root, 'conveyor.db'),
      FAULT_WORKDIR: path.join(setup.root, 'work'),
      FAULT_REMOTE: setup.remote,
      FAULT_AGENTS_DIR: path.join(setup.root, 'agents'),
      FAULT_LEASE_MS: String(setup.leaseMs),
      FAULT_GRACE_MS: String(setup.graceMs),
      ...setup.env,
    },
  });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(
    () => /^ready /m.test(text),
    15_000,
    () => `conveyor did not start:\n${text}`,
  );
  return { child, exited, output: () => text };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A read-only query on a separate connection. */
export function queryDb<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export async function markerLines(marker: string): Promise<string[]> {
  return (await readFile(marker, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** Alive and not a zombie. */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readProcessStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** Stop any agent group the marker names that still runs under `root` (an assertion failed early). */
export async function killLeftoverAgents(marker: string, root: string): Promise<void> {
  const own = (await readProcessStat(process.pid))?.pgrp;
  for (const line of await markerLines(marker)) {
    const stat = await readProcessStat(Number(/^start (\d+)/.exec(line)?.[1] ?? 0));
    const cmdline = stat ? await readFile(`/proc/${stat.pid}/cmdline`, 'utf8').catch(() => '') : '';
    if (stat && stat.state !== 'Z' && stat.pgrp !== own && cmdline.includes(root))
      process.kill(-stat.pgrp, 'SIGKILL');
  }
}

/**
 * The first lines of a fault test's agent script: append `start <pid> <attempt> <ms>` to `marker`
 * and `earlier-dead yes|no` (whether every earlier recorded run is gone, zombies counting as gone);
 * `$earlier` holds the earlier pids afterwards.
 */
export function recordRunPrelude(marker: string): string {
  return `marker="${marker}"
earlier=$(sed -n 's/^start \\([0-9]*\\) .*/\\1/p' "$marker" 2>/dev/null)
all_dead=yes
for p in $earlier; do
  if kill -0 "$p" 2>/dev/null && ! sed 's/.*) //' "/proc/$p/stat" | grep -q '^Z'; then all_dead=no; fi
done
echo "start $$ $ORCH_ATTEMPT $(date +%s%3N)" >> "$marker"
echo "earlier-dead $all_dead" >> "$marker"
`;
}
