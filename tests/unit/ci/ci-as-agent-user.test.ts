/**
 * CI runs code the agent wrote, so a project whose agents run as another user runs its CI as that
 * user too (ADR 0015): the worktree is handed over for the run and taken back after it.
 */
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canSwitchUser } from '../../../app/agent-isolation.ts';
import { LocalCiRunner } from '../../../adapters/ci/local-ci-runner.ts';

describe.skipIf(!canSwitchUser())('LocalCiRunner for a project with a runner user', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-ci-user-'));
    await chmod(dir, 0o711);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the command as that user in a worktree it may write, then takes the worktree back', async () => {
    const worktree = path.join(dir, 'worktree');
    await mkdir(worktree);
    await writeFile(path.join(worktree, 'package.json'), '{}\n');
    const secret = path.join(dir, 'conveyor.db');
    await writeFile(secret, 'private\n', { mode: 0o600 });
    const runner = new LocalCiRunner({ baseEnv: { PATH: process.env.PATH }, userOf: (id) => (id === 'SHOP' ? { uid: 1001, gid: 1001 } : undefined) });

    const result = await runner.run(`id -u; echo built > out.txt && echo wrote; cat "${secret}" || echo denied`, worktree, 10_000, path.join(dir, 'logs', 'ci.log'), 'SHOP');

    expect(result.excerpt).toMatch(/^1001\nwrote\n/);
    expect(result.excerpt).toContain('Permission denied');
    expect(result.excerpt).not.toContain('private');
    for (const file of [worktree, path.join(worktree, 'out.txt'), path.join(worktree, 'package.json')]) {
      expect((await stat(file)).uid, file).toBe(process.getuid?.());
    }
    expect((await stat(worktree)).mode & 0o777).toBe(0o700);
  });

  it('runs other projects as Conveyor', async () => {
    const runner = new LocalCiRunner({ baseEnv: { PATH: process.env.PATH }, userOf: () => undefined });
    const result = await runner.run('id -u', dir, 10_000, path.join(dir, 'logs', 'ci.log'), 'OTHER');
    expect(result.excerpt).toBe(String(process.getuid?.()));
  });
});
