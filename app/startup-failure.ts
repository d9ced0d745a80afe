/**
 * Start-up failures the operator fixes outside Conveyor: each is one line on stderr and its own
 * exit code (sysexits.h), never a stack trace. Codes in use: 0 stopped by a signal, 1 unexpected,
 * 69 listener port unavailable, 74 database cannot be opened, 75 already running, 77 Telegram
 * refused the token, 78 invalid configuration (see docs/adr/0033).
 */
import { describeError } from '../core/errors.ts';

/** ORCH_HTTP_PORT / ORCH_METRICS_PORT in use or not allowed (EX_UNAVAILABLE). */
export const EXIT_PORT_UNAVAILABLE = 69;
/** ORCH_DB_PATH cannot be created, opened, migrated, or is locked; ORCH_DATABASE_URL cannot be reached (EX_IOERR). */
export const EXIT_DATABASE_UNAVAILABLE = 74;

/** A start-up failure with its exit code and one-line message. */
export class StartupFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'StartupFailure';
  }
}

/** The listener could not bind: which variable to change, and why. */
export function listenFailure(
  variable: string,
  address: { host: string; port: number },
  error: unknown,
): StartupFailure {
  const text = describeError(error);
  const reason = /EADDRINUSE/.test(text)
    ? 'is already in use by another program; stop it or choose a free port'
    : /EACCES/.test(text)
      ? 'may not be bound by this user (ports below 1024 need privileges); choose a port above 1024'
      : /EADDRNOTAVAIL|ENOTFOUND/.test(text)
        ? 'is not an address of this machine; check the host'
        : `cannot be bound (${text.split('\n')[0] ?? ''})`;
  return new StartupFailure(EXIT_PORT_UNAVAILABLE, `${variable}: ${address.host}:${address.port} ${reason}`);
}

/** Opening the database failed (SQLite or file-system error), or null for any other error. */
export function databaseFailure(dbPath: string, error: unknown): StartupFailure | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^(SQLITE_|E[A-Z]+$)/.test(code)) return null;
  const reason =
    code === 'SQLITE_BUSY'
      ? 'it is locked by another process; stop it or wait'
      : osReason(code, (error as Error).message);
  return new StartupFailure(
    EXIT_DATABASE_UNAVAILABLE,
    `ORCH_DB_PATH: cannot open the database ${dbPath} (${reason})`,
  );
}

/** "EACCES: permission denied" from Node's "EACCES: permission denied, open '/x'". */
function osReason(code: string, message: string): string {
  const first = message.split(', ')[0] ?? '';
  return first.startsWith(code) ? first : `${code}: ${first}`;
}
