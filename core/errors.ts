/**
 * The few failures with intent. Adapters translate vendor errors into these; each entry point
 * catches them once. Expected outcomes (a red gate, a duplicate delivery) are values, not errors.
 */

/** Try again later; `retryAfterMs` when the other side said when. */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The service cannot be reached at all right now (network failure, 5xx, refused credentials): not
 * this message's fault. Retried without counting against it, on a short capped delay.
 */
export class UnavailableError extends RetryableError {
  override readonly name: string = 'UnavailableError';
}

/** Trying again cannot help (bad input, missing resource, refused credentials). */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/** The configuration is wrong; the message names the variable or field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * What a thrown value says, for people (escalation texts, the card, chat replies): the sentence
 * without the class name, which means nothing to a reader. Logs keep {@link describeError}.
 */
export function errorSentence(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A short description of any thrown value, for logs and error columns (the class name first). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

/** Another live Conveyor process already runs on this database (the instance lock, ADR 0021). */
export class AlreadyRunningError extends Error {
  override readonly name = 'AlreadyRunningError';
}

/**
 * A uniqueness rule refused a write (a second row with the same key): another writer got there
 * first. Adapters raise it for a store's unique violation; `constraint` names the rule.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly constraint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
