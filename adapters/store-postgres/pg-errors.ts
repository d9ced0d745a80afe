/**
 * Driver errors become core's typed errors here, so core never sees a PostgreSQL SQLSTATE:
 * serialization failure and deadlock (40001, 40P01) → RetryableError (run the unit of work again),
 * unique violation (23505) → ConflictError, connection failures (08xxx, 57P0x, refused) →
 * UnavailableError. Other driver errors are rethrown with what was happening added; errors that
 * are not the driver's pass through unchanged.
 */
import { ConflictError, RetryableError, UnavailableError } from '../../core/errors.ts';

interface PgErrorFields {
  readonly code?: string;
  readonly constraint?: string;
}

const fields = (error: unknown): PgErrorFields => (typeof error === 'object' && error !== null ? error : {});

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);

/**
 * The driver's error inside `error`: drizzle wraps a failed query in a `DrizzleQueryError` (whose
 * message carries the query's parameters) with the driver's error as its `cause`.
 */
function driverError(error: unknown): unknown {
  if (fields(error).code !== undefined || !(error instanceof Error)) return error;
  const cause: unknown = error.cause;
  return typeof cause === 'object' && cause !== null && fields(cause).code !== undefined ? cause : error;
}

/** A core error for `error`, raised while `doing` (e.g. "claiming a job"). */
export function translatePgError(thrown: unknown, doing: string): Error {
  const error = driverError(thrown);
  const { code, constraint } = fields(error);
  // Not from the driver (a core error from inside a unit of work, a bug): unchanged.
  if (code === undefined && error instanceof Error) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '40001' || code === '40P01')
    return new RetryableError(`PostgreSQL ${code === '40001' ? 'serialization failure' : 'deadlock'} while ${doing}: ${message}`, undefined, { cause: error });
  if (code === '23505') return new ConflictError(`unique constraint ${constraint ?? '?'} violated while ${doing}`, constraint, { cause: error });
  if (code !== undefined && (code.startsWith('08') || CONNECTION_CODES.has(code)))
    return new UnavailableError(`PostgreSQL unreachable while ${doing}: ${message}`, undefined, { cause: error });
  return new Error(`PostgreSQL error while ${doing}: ${message}`, { cause: error });
}

/** Run `fn`; a driver error thrown by it is translated (see {@link translatePgError}). */
export async function pgCall<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translatePgError(error, doing);
  }
}

/**
 * True when `error` is a serialization failure or deadlock reported by PostgreSQL (translated or
 * not): the transaction did nothing and may run again. A RetryableError that core code raised for
 * its own reasons is not one.
 */
export function isPgRetryable(error: unknown): boolean {
  const code = fields(driverError(error)).code ?? (error instanceof Error ? fields(error.cause).code : undefined);
  return code === '40001' || code === '40P01';
}
