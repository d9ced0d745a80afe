/**
 * Files with secrets that Conveyor keeps to its own user (ADR 0015): the SQLite database (and its
 * WAL and shared-memory files) and the `.env` it reads at start. An agent running as another user
 * may pass through their directories on the way to its worktree, so the files themselves are 0600.
 */
import { chmodSync, statSync } from 'node:fs';

/** chmod 0600 the database and its `-wal`/`-shm` siblings that exist. */
export function protectDatabase(dbPath: string): void {
  if (dbPath === ':memory:') return;
  for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    if (statSync(file, { throwIfNoEntry: false })) chmodSync(file, 0o600);
  }
}

/** Take group and other permissions off `file` when it exists and belongs to this process's user. */
export function protectOwnFile(file: string): void {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info && info.uid === process.geteuid?.() && (info.mode & 0o077) !== 0) chmodSync(file, info.mode & 0o700);
}
