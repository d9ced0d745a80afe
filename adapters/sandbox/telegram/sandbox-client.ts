/**
 * A typed client for the sandbox's HTTP control API, for tests and a demo running in another
 * process. Same surface as the in-process sandbox; refused requests reject with PermanentError.
 */
import { PermanentError, RetryableError, describeError } from '../../../core/errors.ts';
import type {
  BotCommandSet,
  ChatView,
  PostedMessage,
  PostMessageInput,
  PressInput,
  PressResult,
  RateLimits,
  RegisterChatInput,
  RequestLogEntry,
  SandboxChat,
  SandboxFault,
  TelegramSandboxControl,
  WebhookState,
} from './sandbox-types.ts';

/** Options for TelegramSandboxClient. */
export interface TelegramSandboxClientOptions {
  /** Replaceable for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/** TelegramSandboxControl over HTTP, for a sandbox running in another process. */
export class TelegramSandboxClient implements TelegramSandboxControl {
  private readonly fetch: typeof fetch;

  /** @param controlUrl the sandbox's `controlUrl`, e.g. `http://127.0.0.1:40123/control`. */
  constructor(
    private readonly controlUrl: string,
    options: TelegramSandboxClientOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
  }

  registerChat(input: RegisterChatInput): Promise<SandboxChat> {
    return this.call('POST', '/chats', input);
  }

  chats(): Promise<SandboxChat[]> {
    return this.call('GET', '/chats');
  }

  async chat(chatId: number): Promise<ChatView | undefined> {
    return this.call<ChatView>('GET', `/chats/${chatId}`, undefined, { notFound: true });
  }

  postMessage(input: PostMessageInput): Promise<PostedMessage> {
    return this.call('POST', '/messages', input);
  }

  press(input: PressInput): Promise<PressResult> {
    return this.call('POST', '/press', input);
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/requests');
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  async now(): Promise<number> {
    return (await this.call<{ now: number }>('GET', '/clock')).now;
  }

  async advanceClock(ms: number): Promise<number> {
    return (await this.call<{ now: number }>('POST', '/clock', { advanceMs: ms })).now;
  }

  limits(): Promise<RateLimits> {
    return this.call('GET', '/limits');
  }

  setLimits(limits: Partial<RateLimits>): Promise<RateLimits> {
    return this.call('POST', '/limits', limits);
  }

  webhook(): Promise<WebhookState> {
    return this.call('GET', '/webhook');
  }

  commands(): Promise<BotCommandSet[]> {
    return this.call('GET', '/commands');
  }

  async setFault(fault: SandboxFault | null): Promise<void> {
    await this.call('POST', '/fault', { fault });
  }

  async fault(): Promise<SandboxFault | null> {
    return (await this.call<{ fault: SandboxFault | null }>('GET', '/fault')).fault;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T>;
  private async call<T>(
    method: string,
    path: string,
    body: unknown,
    options: { notFound: true },
  ): Promise<T | undefined>;
  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { notFound?: boolean } = {},
  ): Promise<T | undefined> {
    const doing = `calling the Telegram sandbox control API ${method} ${path}`;
    let response: Response;
    try {
      response = await this.fetch(`${this.controlUrl}${path}`, {
        method,
        ...(body !== undefined
          ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
          : {}),
      });
    } catch (error) {
      throw new RetryableError(`${doing}: ${describeError(error)}`, undefined, { cause: error });
    }
    const payload = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
    if (response.ok) return payload as T;
    if (response.status === 404 && options.notFound) return undefined;
    const reason = payload?.error ?? `HTTP ${response.status}`;
    if (response.status >= 500) throw new RetryableError(`${doing}: ${reason}`);
    throw new PermanentError(`${doing}: ${reason}`);
  }
}
