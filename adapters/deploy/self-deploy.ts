/**
 * Self-deploy (design §10, ADR 0027): the hook may restart Conveyor, so it runs detached, in its
 * own session (`setsid`, via a detached spawn) and outside Conveyor's process group, under a small
 * wrapper shell that writes the hook's exit code and finish time to a result file (write, then
 * rename: never half a result). Whichever Conveyor process is alive afterwards reads the files.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeployRunRef, PendingSelfDeploy, SelfDeployState } from '../../core/ports/deploy-hook.ts';
import { LogTail } from '../agents/log-tail.ts';
import { readBootId, readProcessStat, readProcessStatSync } from '../agents/process-table.ts';
import {
  deploysDir,
  parseResult,
  parseRunDir,
  RUN_FILES,
  runDir,
  type StartRecord,
} from './deploy-run-files.ts';

/** `$1` = result file, `$2` = the hook. The hook's own exit code is what lands in the file. */
const WRAPPER =
  'sh -c "$2"; code=$?; printf \'%s %s\\n\' "$code" "$(date +%s)" > "$1.tmp" && mv "$1.tmp" "$1"';

const TAIL = { maxLines: 20, maxChars: 2000 } as const;

/** Start `hook` detached; the start record is on disk before this returns. */
export function startDetachedHook(
  workDir: string,
  run: DeployRunRef,
  hook: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): { type: 'started'; pid: number } | { type: 'spawn-failed'; error: string } {
  const dir = runDir(workDir, run);
  let log: number;
  try {
    mkdirSync(dir, { recursive: true });
    log = openSync(path.join(dir, RUN_FILES.hookLog), 'a');
  } catch (error) {
    return { type: 'spawn-failed', error: `cannot prepare ${dir}: ${(error as Error).message}` };
  }
  try {
    const child = spawn(
      '/bin/sh',
      ['-c', WRAPPER, 'conveyor-self-deploy', path.join(dir, RUN_FILES.result), hook],
      { cwd, env, detached: true, stdio: ['ignore', log, log] },
    );
    if (child.pid === undefined)
      return { type: 'spawn-failed', error: `cannot start the deploy hook in ${cwd}` };
    child.on('error', () => undefined);
    child.unref();
    const record: StartRecord = {
      pid: child.pid,
      startTime: readProcessStatSync(child.pid)?.startTime ?? null,
      bootId: readBootId(),
      startedAt: Date.now(),
    };
    const file = path.join(dir, RUN_FILES.started);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`);
    renameSync(`${file}.tmp`, file);
    return { type: 'started', pid: child.pid };
  } catch (error) {
    return { type: 'spawn-failed', error: `cannot start the deploy hook: ${(error as Error).message}` };
  } finally {
    closeSync(log);
  }
}

/** The state of a detached run, or null when it was never started. */
export async function readDetachedHook(workDir: string, run: DeployRunRef): Promise<SelfDeployState | null> {
  const dir = runDir(workDir, run);
  const started = await readStart(path.join(dir, RUN_FILES.started));
  const result = parseResult(await readFile(path.join(dir, RUN_FILES.result), 'utf8').catch(() => ''));
  if (!started && !result) return null;
  const startedAt = started?.startedAt ?? 0;
  if (result)
    return {
      type: 'finished',
      code: result.code,
      startedAt,
      finishedAt: result.finishedAt,
      logTail: await logTail(dir),
    };
  if (started && (await stillOurs(started))) return { type: 'running', pid: started.pid, startedAt };
  // The wrapper may have written its result between the two reads above.
  const late = parseResult(await readFile(path.join(dir, RUN_FILES.result), 'utf8').catch(() => ''));
  if (late)
    return {
      type: 'finished',
      code: late.code,
      startedAt,
      finishedAt: late.finishedAt,
      logTail: await logTail(dir),
    };
  return { type: 'vanished', startedAt, logTail: await logTail(dir) };
}

/** Every detached run not yet acknowledged. */
export async function listDetachedHooks(workDir: string): Promise<PendingSelfDeploy[]> {
  const root = deploysDir(workDir);
  const pending: PendingSelfDeploy[] = [];
  for (const taskDir of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(root, taskDir)).catch(() => [] as string[])) {
      const run = parseRunDir(taskDir, name);
      if (!run || (await exists(path.join(runDir(workDir, run), RUN_FILES.acknowledged)))) continue;
      const state = await readDetachedHook(workDir, run);
      if (state) pending.push({ ...run, state });
    }
  }
  return pending.sort((a, b) => a.state.startedAt - b.state.startedAt);
}

export async function acknowledgeDetachedHook(workDir: string, run: DeployRunRef): Promise<void> {
  await writeFile(path.join(runDir(workDir, run), RUN_FILES.acknowledged), `${new Date().toISOString()}\n`);
}

async function readStart(file: string): Promise<StartRecord | null> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as StartRecord;
    return Number.isInteger(record.pid) && typeof record.startedAt === 'number' ? record : null;
  } catch {
    return null;
  }
}

/** The recorded wrapper is still running (not a zombie, not a reused pid, same boot). */
async function stillOurs(record: StartRecord): Promise<boolean> {
  const now = await readProcessStat(record.pid);
  if (!now || now.state === 'Z') return false;
  if (record.bootId !== null && record.bootId !== readBootId()) return false;
  return record.startTime === null || record.startTime === now.startTime;
}

async function logTail(dir: string): Promise<string> {
  const text = await readFile(path.join(dir, RUN_FILES.hookLog)).catch(() => Buffer.alloc(0));
  const tail = new LogTail(TAIL);
  tail.push('log', text.subarray(Math.max(0, text.length - 16_384)));
  return tail.text();
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null)) !== null;
}
