/**
 * Engine errors → core's typed errors. An unreachable engine (socket missing, connection refused or
 * reset, a timeout) and a 5xx are worth retrying; a 4xx (bad request, conflict, not found where
 * something must exist) is not. The message says what was being done.
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';

const UNREACHABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EACCES']);

/** The HTTP status of a dockerode error, if the engine answered. */
export function engineStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own message (`No such image: …`), else the error's message, on one line. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  const fromJson = json && typeof json === 'object' && 'message' in json ? String((json).message) : undefined;
  const text = fromJson ?? (error instanceof Error ? error.message : String(error));
  return text.replace(/\s+/g, ' ').trim();
}

/** True when the engine could not be reached at all. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** The typed error for a failed engine call made while `doing` (e.g. `inspecting image conveyor/shop:1`). */
export function engineFailure(doing: string, error: unknown): RetryableError | PermanentError {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const status = engineStatus(error);
  if (isUnreachable(error)) return new RetryableError(`${doing}: Docker engine unreachable (${engineMessage(error)})`, undefined, { cause: error });
  if (status === undefined || status >= 500) return new RetryableError(`${doing}: ${engineMessage(error)}`, undefined, { cause: error });
  return new PermanentError(`${doing}: ${engineMessage(error)}`, { cause: error });
}

/** Run `call`; a rejection becomes {@link engineFailure}. */
export async function engineCall<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw engineFailure(doing, error);
  }
}
