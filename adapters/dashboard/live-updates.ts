/**
 * Live updates for open dashboard pages: server-sent events. Each change (an engine transition)
 * is announced to every connected page as a numbered `change` event; the page then fetches its
 * own content again. Comments every 15 s keep proxies from closing idle streams. `close` ends every
 * stream (graceful shutdown must not wait for open pages).
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';

const KEEPALIVE_MS = 15_000;

export class LiveUpdates {
  private readonly streams = new Set<{ api: SSEStreamingApi; done: () => void }>();
  private seq = 0;
  private closed = false;

  /** Connected pages. */
  get size(): number {
    return this.streams.size;
  }

  /** Tell every page something changed. */
  publish(): void {
    this.seq += 1;
    const data = String(this.seq);
    for (const s of this.streams) void s.api.writeSSE({ event: 'change', data }).catch(() => s.done());
  }

  /** The SSE response of one page. */
  handle(c: Context): Response {
    return streamSSE(c, async (api) => {
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        const entry = {
          api,
          done: () => {
            clearInterval(timer);
            this.streams.delete(entry);
            resolve();
          },
        };
        const timer = setInterval(() => void api.write(': keepalive\n\n').catch(() => entry.done()), KEEPALIVE_MS);
        api.onAbort(() => entry.done());
        this.streams.add(entry);
        void api.writeSSE({ event: 'hello', data: String(this.seq) }).catch(() => entry.done());
      });
    });
  }

  /** End every stream and refuse new ones. */
  close(): void {
    this.closed = true;
    for (const s of [...this.streams]) {
      s.done();
      void s.api.close().catch(() => undefined);
    }
  }
}
