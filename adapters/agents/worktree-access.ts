/**
 * Make a task's worktree usable by the agent's own uid:gid (design §4 "Isolation"): the worktree
 * becomes theirs (they write their artefacts there) and the task and prompt files readable; nothing
 * else of Conveyor's is touched. `reclaimWorktree` gives the worktree back afterwards, so Conveyor
 * (git refuses a repository owned by someone else) can commit what the agent wrote.
 */
import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** The files one agent run is given. */
export interface RunPaths {
  readonly worktree: string;
  readonly taskFile: string;
  readonly promptFile: string;
}

/** Hand the worktree to `uid:gid` (recursively) and make the task and prompt files readable by it. */
export async function grantWorktree(paths: RunPaths, uid: number, gid: number): Promise<void> {
  await chownTree(paths.worktree, uid, gid);
  await lchown(paths.taskFile, uid, gid);
  await chmod(paths.taskFile, 0o400);
  // The prompt may be shared by every task of the project: readable, never given away.
  const prompt = await lstat(paths.promptFile);
  if ((prompt.mode & 0o004) === 0) await chmod(paths.promptFile, prompt.mode | 0o444);
}

/** Give the worktree (and what the agent created in it) back to Conveyor's own uid:gid. */
export async function reclaimWorktree(worktree: string, uid: number, gid: number): Promise<void> {
  await chownTree(worktree, uid, gid);
}

/** `chown -R` without following symbolic links (an agent may have planted one pointing outside). */
async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  await lchown(root, uid, gid);
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await lchown(full, uid, gid);
  }
}
