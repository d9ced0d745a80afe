/**
 * Starting and stopping the Telegram sandbox: one loopback HTTP server that serves the Bot API at
 * `/bot<token>/<method>` (point grammY's `client.apiRoot` at `apiRoot`) and the control API at
 * `/control/*`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../../../core/errors.ts';
import { handleBotApi } from './bot-api-routes.ts';
import { handleControl } from './control-routes.ts';
import { writeJson } from './http-json.ts';
import { SandboxControl } from './sandbox-control.ts';
import { SandboxState } from './sandbox-state.ts';
import { TELEGRAM_DEFAULT_LIMITS } from './sandbox-types.ts';
import type { RateLimits, SandboxFault, TelegramSandboxControl } from './sandbox-types.ts';

/** How to start a sandbox; only `token` is required. */
export interface TelegramSandboxOptions {
  /** The bot token the Bot API accepts; any other gets 401 Unauthorized. */
  readonly token: string;
  /** Defaults to the number before the token's colon. */
  readonly botId?: number;
  readonly botUsername?: string;
  readonly botName?: string;
  /** Defaults to Telegram's limits (TELEGRAM_DEFAULT_LIMITS). */
  readonly limits?: RateLimits;
  /** The base clock (epoch ms); the control API can move the sandbox clock ahead of it. */
  readonly now?: () => number;
  readonly host?: string;
  readonly port?: number;
  /** Wall-clock delay before a failed webhook delivery is retried; default 1000. */
  readonly webhookRetryDelayMs?: number;
  /** How long a webhook delivery may take before it counts as failed; default 10000. */
  readonly webhookTimeoutMs?: number;
  /** How long (sandbox clock) a button press stays answerable; default 15000. */
  readonly callbackQueryTtlMs?: number;
}

/** A running sandbox: its addresses, the in-process control methods, and `close`. */
export interface TelegramSandbox extends TelegramSandboxControl {
  /** For grammY's `client.apiRoot`, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly apiRoot: string;
  /** Base URL of the HTTP control API, for `TelegramSandboxClient`. */
  readonly controlUrl: string;
  close(): Promise<void>;
}

class RunningSandbox extends SandboxControl implements TelegramSandbox {
  private refusing = false;

  constructor(
    state: SandboxState,
    private readonly server: ReturnType<typeof createServer>,
    readonly apiRoot: string,
    private readonly address: { readonly host: string; readonly port: number },
  ) {
    super(state);
  }

  get controlUrl(): string {
    return `${this.apiRoot}/control`;
  }

  /** In process, an outage may refuse connections: the sandbox stops listening until cleared. */
  override async setFault(fault: SandboxFault | null): Promise<void> {
    const refuse = fault?.type === 'outage' && fault.mode === 'refused';
    this.state.setFault(fault);
    if (refuse && !this.refusing) {
      this.refusing = true;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    } else if (!refuse && this.refusing) {
      this.refusing = false;
      await listen(this.server, this.address.port, this.address.host);
    }
  }

  async close(): Promise<void> {
    this.state.close();
    if (this.refusing) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts a sandbox on loopback (port 0 by default: a free port). */
export async function startTelegramSandbox(options: TelegramSandboxOptions): Promise<TelegramSandbox> {
  const state = new SandboxState({
    token: options.token,
    bot: {
      id: options.botId ?? botIdFromToken(options.token),
      username: options.botUsername ?? 'conveyor_sandbox_bot',
      firstName: options.botName ?? 'Conveyor Sandbox',
    },
    limits: options.limits ?? TELEGRAM_DEFAULT_LIMITS,
    now: options.now ?? Date.now,
    webhook: {
      retryDelayMs: options.webhookRetryDelayMs ?? 1000,
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
    },
    callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000,
  });
  const control = new SandboxControl(state);
  const server = createServer((request, response) => {
    dispatch(state, control, request, response).catch((error: unknown) => {
      if (!response.headersSent)
        writeJson(response, 500, { ok: false, error_code: 500, description: describeError(error) });
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return new RunningSandbox(state, server, `http://${hostInUrl}:${port}`, { host, port });
}

async function dispatch(
  state: SandboxState,
  control: SandboxControl,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
  if (url.pathname.startsWith('/control/')) return handleControl(control, request, response, url);
  if (url.pathname.startsWith('/bot')) return handleBotApi(state, request, response, url);
  writeJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
}

function botIdFromToken(token: string): number {
  const prefix = Number(token.split(':')[0]);
  return Number.isSafeInteger(prefix) && prefix > 0 ? prefix : 1_000_001;
}
