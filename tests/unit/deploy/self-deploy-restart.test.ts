/**
 * Self-deploy with real processes: Conveyor A starts the detached hook; the hook SIGTERMs A,
 * starts Conveyor B and exits 0; B finds the result file at start and completes the deploy. A
 * later start (C) does nothing: the deploy completes exactly once. A wrapper killed mid-way is
 * completed as an unknown state, never as deployed.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../adapters/store-sqlite/sqlite-store.ts';
import { loadDeployState } from '../../../core/store/deploy-state-repo.ts';

const repo = process.cwd();
const script = path.join(repo, 'tests/support/self-deploy-conveyor.ts');

describe('self-deploy restart (real processes)', () => {
  let dir = '';
  let db = '';
  let workDir = '';
  let cwd = '';
  let completions = '';
  const groups: number[] = [];

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'conveyor-self-restart-')));
    db = path.join(dir, 'conveyor.db');
    workDir = path.join(dir, 'work');
    cwd = path.join(dir, 'worktree');
    completions = path.join(dir, 'completions.txt');
    await mkdir(cwd);
  });
  afterEach(async () => {
    for (const pgid of groups.splice(0)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  function conveyor(mode: 'deploy' | 'resume', hook = ''): Promise<number | null> & { pid: number } {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, mode, db, workDir, cwd, completions, hook],
      { cwd: repo, detached: true, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    groups.push(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return Object.assign(exited, { pid: child.pid! });
  }

  async function lines(): Promise<string[]> {
    return (await readFile(completions, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  }

  async function until(probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error(`timed out; completions: ${JSON.stringify(await lines())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('the hook restarts Conveyor and the new process completes the deploy exactly once', async () => {
    const placeholder = '__PID__';
    const restart = `cd ${repo} && ${process.execPath} --import tsx ${script} resume ${db} ${workDir} ${cwd} ${completions}`;
    const hook = `kill -TERM ${placeholder}; (sleep 1; ${restart}) > /dev/null 2>&1 & echo restarted; exit 0`;
    // The hook must name A's pid; A is spawned first with a hook that reads it from a file.
    const a = conveyor('deploy', hook.replace(placeholder, '$(cat a.pid)'));
    await writeFile(path.join(cwd, 'a.pid'), String(a.pid));
    expect(await a).toBe(0);
    await until(async () => (await lines()).some((l) => l.startsWith('SELF-1')));
    // B has acknowledged the run; a later start finds nothing to do.
    await until(async () =>
      (await readdir(path.join(workDir, 'deploys/SELF-1/1-deploy'))).includes('acknowledged'),
    );
    expect(await conveyor('resume')).toBe(0);
    const all = await lines();
    expect(all[0]).toBe(`# ${a.pid} stopped by SIGTERM`);
    expect(all.filter((l) => l.startsWith('SELF-1'))).toHaveLength(1);
    expect(all[1]).toMatch(/^SELF-1 attempt 1: deployed \(by \d+\)$/);
    expect(all[1]).not.toContain(`by ${a.pid}`);
    const store = openStore(db, { checkpointIntervalMs: 0 });
    expect((await loadDeployState(store.db, 'SELF-1'))?.hookResult?.verdict).toBe('deployed');
    store.close();
  });

  it('a wrapper killed mid-way ends as unknown, never deployed', async () => {
    const a = conveyor('deploy', 'echo $PPID > ../wrapper.pid; sleep 30');
    await until(async () => (await readFile(path.join(dir, 'wrapper.pid'), 'utf8').catch(() => '')) !== '');
    const wrapper = Number(await readFile(path.join(dir, 'wrapper.pid'), 'utf8'));
    groups.push(wrapper);
    process.kill(-wrapper, 'SIGKILL');
    process.kill(a.pid, 'SIGTERM');
    expect(await a).toBe(0);
    expect(await conveyor('resume')).toBe(0);
    expect((await lines()).filter((l) => l.startsWith('SELF-1'))).toEqual([
      expect.stringMatching(/^SELF-1 attempt 1: unknown /),
    ]);
  });
});
