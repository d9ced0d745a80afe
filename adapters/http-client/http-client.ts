/**
 * The one fetch wrapper both outbound API clients use: base URL, fixed headers, a timeout over the
 * whole exchange (headers and body), JSON in and out. `send` answers every HTTP status as a value and
 * throws only when no answer came: a RetryableError for network failures and timeouts, a
 * PermanentError for a request fetch refuses to build. Messages name the operation and never carry a
 * secret. `expect` adds the status check.
 */
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { httpFailure, redact } from './http-failure.ts';

/** How to reach one service. */
export interface HttpClientOptions {
  /** Prefix of every request path, e.g. `https://git.acme.test/api/v1` (no trailing slash needed). */
  readonly baseUrl: string;
  /** Sent with every request (authentication goes here). */
  readonly headers: Readonly<Record<string, string>>;
  /** Abort an exchange after this long; default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Replaceable for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
  /** Values that must never appear in an error message (tokens, API keys). */
  readonly secrets?: readonly string[];
  /** Clock for `X-RateLimit-Reset` arithmetic; default `Date.now`. */
  readonly now?: () => number;
}

/** One request; `path` is already percent-encoded by the caller. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
}

/** An answer: status, headers and the body parsed as JSON when it is JSON, else its text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** A configured connection to one HTTP API. */
export class HttpClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly secrets: readonly string[];
  private readonly now: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
    this.secrets = options.secrets ?? [];
    this.now = options.now ?? Date.now;
  }

  /**
   * Performs the request and returns whatever status came back. Throws only without an answer:
   * RetryableError (network, timeout) or PermanentError (a request fetch refused to build).
   */
  async send(operation: string, request: HttpRequest): Promise<HttpResponse> {
    const url = this.baseUrl + request.path + queryString(request.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.fetchFn(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseBody(text, response.headers) };
    } catch (error) {
      throw this.noAnswer(operation, error, signal);
    }
  }

  /** Performs the request and returns it when its status is one of `ok`; otherwise throws the typed error. */
  async expect(operation: string, request: HttpRequest, ok: readonly number[]): Promise<HttpResponse> {
    const response = await this.send(operation, request);
    if (ok.includes(response.status)) return response;
    throw this.failure(operation, response);
  }

  /** The typed error for a response the caller did not expect. */
  failure(operation: string, response: HttpResponse): RetryableError | PermanentError {
    return httpFailure(operation, response, { now: this.now, secrets: this.secrets });
  }

  /** A PermanentError for an answer whose body is not the shape the API documents. */
  unexpected(operation: string, what: string): PermanentError {
    return new PermanentError(redact(`${operation}: unexpected response (${what})`, this.secrets));
  }

  private noAnswer(operation: string, error: unknown, signal: AbortSignal): RetryableError | PermanentError {
    if (signal.aborted) {
      return new RetryableError(`${operation}: no answer within ${this.timeoutMs} ms`);
    }
    // The cause's text is kept (redacted) but not the object: undici quotes invalid header values.
    const reason = redact(error instanceof Error ? causeText(error) : String(error), this.secrets);
    // fetch rejects a request it cannot even build (bad URL, bad header value) with a TypeError other
    // than "fetch failed"; sending it again cannot help.
    if (error instanceof TypeError && error.message !== 'fetch failed') {
      return new PermanentError(`${operation}: request not sent: ${reason}`);
    }
    return new RetryableError(`${operation}: request failed: ${reason}`);
  }
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseBody(text: string, headers: Headers): unknown {
  const type = headers.get('content-type') ?? '';
  const trimmed = text.trimStart();
  if (!type.includes('json') && !trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  if (trimmed === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function causeText(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
