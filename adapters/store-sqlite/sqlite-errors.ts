/**
 * SQLite driver errors become core's typed errors here, so core never sees a vendor code: a busy
 * or locked database (SQLITE_BUSY*, SQLITE_LOCKED*) → RetryableError, a unique or primary-key
 * violation → ConflictError. Other driver errors keep their message with what was happening
 * added; errors that are not the driver's pass through unchanged.
 */
import { ConflictError, RetryableError } from '../../core/errors.ts';

const codeOf = (error: unknown): string | undefined => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};

/** A core error for `error`, raised while `doing` (e.g. "committing a transaction"). */
export function translateSqliteError(error: unknown, doing: string): unknown {
  const code = codeOf(error);
  if (code === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new RetryableError(`SQLite database busy while ${doing}: ${message}`, undefined, { cause: error });
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return new ConflictError(`${message} (while ${doing})`, undefined, { cause: error });
  return error;
}
