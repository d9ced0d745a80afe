/**
 * The harness both HTTP stand-ins (Gitea, Plane) run on: a Hono app served on 127.0.0.1 with an
 * ephemeral port, a log of the requests it saw, and injectable faults — a proxy-style error answer
 * or a request that never gets an answer — so clients can be tested against the failures they will
 * meet in production. Closing releases hung requests and drops open connections.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono, MiddlewareHandler } from 'hono';

/** A fault to answer instead of the real route: an error response, or silence until close. */
export type StandinFault =
  | {
      readonly status: number;
      readonly body?: string | object;
      readonly headers?: Readonly<Record<string, string>>;
      readonly path?: RegExp;
    }
  | { readonly hang: true; readonly path?: RegExp };

/** One request as the stand-in saw it (path is the raw, still-encoded path). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
}

/** Request log, fault queue and socket lifecycle shared by the stand-ins. */
export class StandinHarness {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly faults: StandinFault[] = [];
  private readonly hanging = new Set<() => void>();

  /** Queues `fault` for the next `times` requests whose path matches `fault.path` (any when absent). */
  injectFault(fault: StandinFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Records the request, then answers a queued fault instead of the route when one applies. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const url = new URL(c.req.url);
      this.requests.push({ method: c.req.method, path: url.pathname, query: url.search });
      const index = this.faults.findIndex((fault) => !fault.path || fault.path.test(url.pathname));
      const fault = index === -1 ? undefined : this.faults.splice(index, 1)[0];
      if (!fault) return next();
      if ('hang' in fault) {
        await new Promise<void>((resolve) => this.hanging.add(resolve));
        return c.text('stand-in closing', 503);
      }
      const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? {});
      const type = typeof fault.body === 'string' ? 'text/plain' : 'application/json';
      return c.body(body, fault.status as 500, { 'Content-Type': type, ...fault.headers });
    };
  }

  /** Serves `app` on 127.0.0.1 with an ephemeral port. */
  async listen(app: Hono): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createAdaptorServer({ fetch: app.fetch, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const close = async (): Promise<void> => {
      for (const release of this.hanging) release();
      this.hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    };
    return { url: `http://127.0.0.1:${port}`, close };
  }
}
