import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalCiRunner } from '../../../adapters/ci/local-ci-runner.ts';

async function eventuallyDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null || /^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('LocalCiRunner', () => {
  let dir: string;
  let logFile: string;
  const runner = new LocalCiRunner({ baseEnv: { PATH: process.env.PATH, GITEA_TOKEN: 'gitea-secret', ORCH_WORKDIR: '/w', NPM_TOKEN: 'npm' }, killGraceMs: 200 });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-ci-'));
    logFile = path.join(dir, 'logs', 'SHOP-1', 'ci-1.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes on exit 0 and writes the output to the log file', async () => {
    const result = await runner.run('echo "all 12 tests passed"', dir, 10_000, logFile, 'SHOP');
    expect(result.passed).toBe(true);
    expect(result.excerpt).toBe('all 12 tests passed');
    expect(await readFile(logFile, 'utf8')).toBe('all 12 tests passed\n');
  });

  it('fails on a non-zero exit with the last 40 lines as excerpt', async () => {
    const result = await runner.run('for i in $(seq 1 100); do echo "out $i"; done; echo "FAIL cart.test.js" >&2; exit 2', dir, 10_000, logFile, 'SHOP');
    expect(result.passed).toBe(false);
    const lines = result.excerpt.split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[0]).toBe('out 62');
    expect(lines.at(-1)).toBe('FAIL cart.test.js');
    expect((await readFile(logFile, 'utf8')).split('\n')).toHaveLength(102);
  });

  it('bounds the excerpt to 4000 characters', async () => {
    const result = await runner.run(`for i in $(seq 1 60); do printf '%0200d\\n' "$i"; done; exit 1`, dir, 10_000, logFile, 'SHOP');
    expect(result.passed).toBe(false);
    expect(result.excerpt.length).toBeLessThanOrEqual(4000);
    expect(result.excerpt.endsWith('60')).toBe(true);
  });

  it('fails a timed-out command, says so, and kills its process tree', async () => {
    const pidFile = path.join(dir, 'server.pid');
    const result = await runner.run(`echo booting; sleep 30 & echo $! > "${pidFile}"; wait`, dir, 300, logFile, 'SHOP');
    expect(result.passed).toBe(false);
    expect(result.excerpt).toBe('CI command timed out after 300 ms and was killed\nbooting');
    expect(result.durationMs).toBeLessThan(3000);
    expect(await eventuallyDead(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it("runs with CI=true in the given directory and without Conveyor's variables", async () => {
    const result = await runner.run('pwd -P; env', dir, 10_000, logFile, 'SHOP');
    const log = await readFile(logFile, 'utf8');
    expect(result.passed).toBe(true);
    expect(log.split('\n')[0]).toBe(await import('node:fs/promises').then((fs) => fs.realpath(dir)));
    expect(log).toMatch(/^CI=true$/m);
    expect(log).toMatch(/^NPM_TOKEN=npm$/m);
    expect(log).not.toContain('gitea-secret');
    expect(log).not.toMatch(/^ORCH_WORKDIR=/m);
  });

  it('fails with an explanation when the command cannot start', async () => {
    const result = await runner.run('true', path.join(dir, 'missing'), 10_000, logFile, 'SHOP');
    expect(result.passed).toBe(false);
    expect(result.excerpt).toMatch(/could not start: working directory .*missing does not exist/);
  });
});
