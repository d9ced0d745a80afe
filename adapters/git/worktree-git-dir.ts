/**
 * The git directory of a task worktree, found from the mirror's side. A worktree's `.git` file is
 * writable by the agent that ran there (ADR 0015): pointed at a repository of the agent's making,
 * it would let the agent's config (core.fsmonitor, hooks) run inside Conveyor's next git command.
 * So Conveyor never discovers the repository from the worktree: it names `GIT_DIR` and
 * `GIT_WORK_TREE` itself, taking the admin directory whose `gitdir` file names this worktree.
 * Explicit `GIT_DIR` also skips git's ownership check, which a worktree owned by the agent's uid
 * would fail ("dubious ownership") without weakening safe.directory for anything else.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * For `<root>/worktrees/<project>/<task>`: the admin directory in `<root>/mirrors/<project>.git`
 * that belongs to it, or a path that does not exist when none does (git then fails instead of
 * looking elsewhere). Null for any other directory (mirrors, the workdir).
 */
export async function worktreeGitDir(root: string, cwd: string): Promise<string | null> {
  const relative = path.relative(path.join(root, 'worktrees'), path.resolve(cwd));
  const parts = relative.split(path.sep);
  if (relative.startsWith('..') || path.isAbsolute(relative) || parts.length !== 2) return null;
  const admin = path.join(root, 'mirrors', `${parts[0]}.git`, 'worktrees');
  const expected = path.join(path.resolve(cwd), '.git');
  const names = await readdir(admin).catch(() => [] as string[]);
  for (const name of names) {
    const gitdir = await readFile(path.join(admin, name, 'gitdir'), 'utf8').catch(() => null);
    if (gitdir !== null && path.resolve(gitdir.trim()) === expected) return path.join(admin, name);
  }
  return path.join(admin, '.not-registered');
}
