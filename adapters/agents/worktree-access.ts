/**
 * Handing a task's worktree to the uid:gid an agent runs as, and taking it back (ADR 0015).
 * Granted: the worktree belongs to that user (mode 0700), the task file too (0600), and the prompt
 * file must be readable by it. Revoked: everything belongs to Conveyor again and the worktree is
 * 0700, so no agent reaches a worktree or task file of a task that is not running.
 *
 * The walk never follows a symbolic link (lchown), so a link the agent left cannot make Conveyor
 * hand over a file outside the worktree; a regular file with more than one link that the target
 * user does not already own is left alone (a hard link to a file elsewhere).
 */
import type { Stats } from 'node:fs';
import { chmod, lchown, lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** The paths one agent run uses. */
export interface RunPaths {
  readonly worktree: string;
  readonly taskFile: string;
  readonly promptFile: string;
}

/** Make the run's worktree and task file the user's, and check it can reach them and the prompt. */
export async function grantWorktree(paths: { worktree: string; taskFile: string; promptFile: string }, uid: number, gid: number): Promise<void> {
  await requireReachable(paths.taskFile, uid, gid, 'the task file');
  await requireReachable(paths.promptFile, uid, gid, 'the prompt file');
  await handWorktreeTo(paths.worktree, uid, gid);
  await ownFile(paths.taskFile, uid, gid);
  const prompt = await stat(paths.promptFile);
  if (!permits(prompt, uid, gid, 4)) {
    throw new Error(`the prompt file ${paths.promptFile} is not readable by ${uid}:${gid}; make it readable (chmod o+r) or set the project's promptDir`);
  }
}

/** Give the worktree and task file back to Conveyor's own user (after the run). */
export async function revokeWorktree(paths: RunPaths): Promise<void> {
  await takeWorktreeBack(paths.worktree);
  await ownFile(paths.taskFile, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
}

/** The worktree alone (a CI run has no task or prompt file): the user's, 0700. */
export async function handWorktreeTo(worktree: string, uid: number, gid: number): Promise<void> {
  await requireReachable(worktree, uid, gid, 'the worktree');
  await changeOwner(worktree, uid, gid);
  await chmod(worktree, 0o700);
}

/** The worktree back to Conveyor's own user, 0700. */
export async function takeWorktreeBack(worktree: string): Promise<void> {
  await changeOwner(worktree, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  await chmod(worktree, 0o700);
}

/** Every directory above `target` must let the user through, and `target` must exist. */
async function requireReachable(target: string, uid: number, gid: number, what: string): Promise<void> {
  const absolute = path.resolve(target);
  let dir = path.dirname(absolute);
  const blocked: string[] = [];
  for (;;) {
    const info = await stat(dir);
    if (!permits(info, uid, gid, 1)) blocked.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (blocked.length > 0) {
    throw new Error(`${what} ${absolute} is not reachable by ${uid}:${gid}: ${blocked.join(', ')} must let it through (chmod o+x, or 0711)`);
  }
  await lstat(absolute);
}

/** True when the mode bits let uid:gid (no supplementary groups: they are dropped) do `bit` (4 r, 2 w, 1 x). */
export function permits(info: Stats, uid: number, gid: number, bit: 1 | 2 | 4): boolean {
  if (uid === 0) return true;
  if (info.uid === uid) return (info.mode & (bit << 6)) !== 0;
  if (info.gid === gid) return (info.mode & (bit << 3)) !== 0;
  return (info.mode & bit) !== 0;
}

async function ownFile(file: string, uid: number, gid: number): Promise<void> {
  const info = await lstat(file);
  if (!info.isFile()) throw new Error(`${file} is not a regular file`);
  await lchown(file, uid, gid);
  await chmod(file, 0o600);
}

/** lchown `root` and everything below it, depth first, never through a link. */
async function changeOwner(root: string, uid: number, gid: number): Promise<void> {
  const info = await lstat(root);
  if (info.isFile() && info.nlink > 1 && info.uid !== uid) return;
  // The directory first: taken back, a 0700 directory the agent made is then Conveyor's to list.
  if (info.uid !== uid || info.gid !== gid) await lchown(root, uid, gid);
  if (!info.isDirectory()) return;
  const entries = await readdir(root);
  // A few at a time: large worktrees (node_modules) have many entries, the machine few cores.
  for (let i = 0; i < entries.length; i += 32) {
    await Promise.all(entries.slice(i, i + 32).map((name) => changeOwner(path.join(root, name), uid, gid)));
  }
}
