/**
 * Files with secrets that Conveyor keeps to its own user (ADR 0015): the SQLite database (and its
 * WAL and shared-memory files) and the `.env` it reads at start. An agent running as another user
 * may pass through their directories on the way to its worktree, so the files themselves are 0600.
 */
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * chmod 0600 the database and its `-wal`/`-shm` siblings that exist, and make its directory
 * unlistable to others when it is Conveyor's (owned by it, below the directory it was started in):
 * 0711 when the workdir lies below it (agents pass through to their worktrees), else 0700.
 */
export function protectDatabase(dbPath: string, workdir: string): void {
  if (dbPath === ':memory:') return;
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    if (statSync(file, { throwIfNoEntry: false })) chmodSync(file, 0o600);
  }
  const dir = path.dirname(path.resolve(dbPath));
  const info = statSync(dir);
  // Only a directory of Conveyor's own: not the filesystem root, not the one it was started in or above it.
  if (dir === path.parse(dir).root || info.uid !== process.geteuid?.() || !path.relative(dir, process.cwd()).startsWith('..')) return;
  const inside = !path.relative(dir, path.resolve(workdir)).startsWith('..');
  chmodSync(dir, inside ? 0o711 : 0o700);
}

/** Take group and other permissions off `file` when it exists and belongs to this process's user. */
export function protectOwnFile(file: string): void {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info && info.uid === process.geteuid?.() && (info.mode & 0o077) !== 0) chmodSync(file, info.mode & 0o700);
}
