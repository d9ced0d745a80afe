/**
 * Resolving a caller's relative path inside a worktree without ever leaving it: no absolute
 * paths, no `..` escapes, no writes into `.git`, and no symlink (in the path or at its end)
 * that leads outside.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError } from '../../core/errors.ts';

/** Lexically check `relPath` and join it to `root`; throws PermanentError for an escape. */
export function joinInside(root: string, relPath: string, doing: string): string {
  if (relPath.length === 0 || relPath.includes('\0')) throw new PermanentError(`${doing}: invalid path ${JSON.stringify(relPath)}`);
  if (path.isAbsolute(relPath) || path.win32.isAbsolute(relPath)) {
    throw new PermanentError(`${doing}: refusing absolute path ${JSON.stringify(relPath)}`);
  }
  const target = path.resolve(root, relPath);
  const rel = path.relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new PermanentError(`${doing}: refusing path outside the worktree ${JSON.stringify(relPath)}`);
  }
  if (rel.split(path.sep)[0] === '.git') throw new PermanentError(`${doing}: refusing path inside .git ${JSON.stringify(relPath)}`);
  return target;
}

/**
 * Check that what `target` (already lexically inside `root`) really resolves to stays inside
 * `root`, following symlinks on the way. Returns false when the target does not exist (a dangling
 * link included), so a reader can answer "absent" and a writer knows it creates a new file.
 */
export async function resolvesInside(root: string, target: string, doing: string): Promise<boolean> {
  const realRoot = await realpath(root);
  const existing = await nearestExisting(target);
  const realExisting = await realpath(existing);
  if (!isInside(realRoot, realExisting)) {
    throw new PermanentError(`${doing}: refusing path that leads outside the worktree through a symlink`);
  }
  if (existing !== target) {
    // A dangling symlink at the end would make a writer create a file wherever it points.
    const link = await lstat(target).catch(() => null);
    if (link?.isSymbolicLink()) throw new PermanentError(`${doing}: refusing dangling symlink`);
    return false;
  }
  return true;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The path itself if it resolves, else its nearest ancestor that does. */
async function nearestExisting(target: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      await realpath(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
