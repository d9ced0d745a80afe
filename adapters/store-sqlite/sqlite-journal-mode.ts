/** `conveyor doctor`'s look at an existing SQLite file: opened read-only, never created or migrated. */
import Database from 'better-sqlite3';

/** The journal mode of the database at `path` (throws when it cannot be opened). */
export function sqliteJournalMode(path: string): string {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return sqlite.pragma('journal_mode', { simple: true }) as string;
  } finally {
    sqlite.close();
  }
}
