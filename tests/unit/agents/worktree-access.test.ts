/** Handing a worktree to the agent's uid:gid and taking it back (ADR 0015). */
import { chmod, link, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canSwitchUser } from '../../../app/agent-isolation.ts';
import { grantWorktree, revokeWorktree } from '../../../adapters/agents/worktree-access.ts';

describe.skipIf(!canSwitchUser())('grantWorktree / revokeWorktree', () => {
  let dir: string;
  let paths: { worktree: string; taskFile: string; promptFile: string };
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-grant-'));
    await chmod(dir, 0o711);
    paths = { worktree: path.join(dir, 'wt'), taskFile: path.join(dir, 'task.md'), promptFile: path.join(dir, 'prompt.md') };
    await mkdir(path.join(paths.worktree, 'src'), { recursive: true });
    await writeFile(path.join(paths.worktree, 'src', 'app.txt'), 'code\n');
    await writeFile(paths.taskFile, 'task\n', { mode: 0o600 });
    await writeFile(paths.promptFile, 'prompt\n', { mode: 0o644 });
    outside = path.join(dir, 'conveyor.db');
    await writeFile(outside, 'private\n', { mode: 0o600 });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands over the worktree and task file, never a file a link leads to, and takes them back', async () => {
    await symlink(outside, path.join(paths.worktree, 'db-link'));
    await link(outside, path.join(paths.worktree, 'db-hardlink'));

    await grantWorktree(paths, 1001, 1002);

    for (const file of [paths.worktree, path.join(paths.worktree, 'src', 'app.txt'), paths.taskFile, path.join(paths.worktree, 'db-link')]) {
      expect(await lstat(file), file).toMatchObject({ uid: 1001, gid: 1002 });
    }
    expect((await stat(paths.worktree)).mode & 0o777).toBe(0o700);
    expect((await stat(paths.taskFile)).mode & 0o777).toBe(0o600);
    expect(await stat(outside)).toMatchObject({ uid: process.getuid?.(), gid: process.getgid?.() });

    await revokeWorktree(paths);
    for (const file of [paths.worktree, path.join(paths.worktree, 'src', 'app.txt'), paths.taskFile]) {
      expect(await lstat(file), file).toMatchObject({ uid: process.getuid?.(), gid: process.getgid?.() });
    }
  });

  it('names the directory that does not let the user through, and an unreadable prompt', async () => {
    await chmod(dir, 0o700);
    await expect(grantWorktree(paths, 1001, 1001)).rejects.toThrow(`${dir} must let it through (chmod o+x, or 0711)`);
    await chmod(dir, 0o711);
    await chmod(paths.promptFile, 0o600);
    await expect(grantWorktree(paths, 1001, 1001)).rejects.toThrow(`the prompt file ${paths.promptFile} is not readable by 1001:1001`);
  });
});
