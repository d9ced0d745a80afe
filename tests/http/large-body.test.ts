/**
 * A 10 MB body is refused with 413 before any handler work (issue 8 §7, reliability scenario 7),
 * with a Content-Length and chunked, on a real socket. The Telegram route's handler is a spy that
 * counts calls and body bytes: it must see neither. On the webhook routes the body carries a wrong
 * signature: answering 413 (not 401) shows the signature was never checked, and nothing is stored.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveListener, type RunningListener } from '../../adapters/http/serve.ts';
import { giteaHeaders, makeListener, planeHeaders } from './webhook-harness.ts';

const TEN_MB = 10 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** POSTs `size` bytes (chunked or with Content-Length), resolving with the status once answered. */
function postLarge(port: number, path: string, headers: Record<string, string>, size: number, chunked: boolean): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: chunked ? headers : { ...headers, 'Content-Length': String(size) } });
    let answered = false;
    let written = 0;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, written }));
    });
    // The server answers 413 and stops reading while we still write: that is the point.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(CHUNK, 0x7b);
    const write = (): void => {
      if (answered || written >= size) return void req.end();
      written += CHUNK;
      req.write(chunk, write);
    };
    write();
  });
}

describe('a 10 MB body', () => {
  let harness: ReturnType<typeof makeListener>;
  let server: RunningListener;
  const spy = { calls: 0, bytes: 0 };
  beforeAll(async () => {
    harness = makeListener({
      telegram: {
        path: '/webhooks/telegram',
        handler: async (c) => {
          spy.calls += 1;
          const body = await (c as { req: { arrayBuffer(): Promise<ArrayBuffer> } }).req.arrayBuffer();
          spy.bytes += body.byteLength;
          return new Response('{}', { status: 200 });
        },
      },
    });
    server = await serveListener(harness.app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    harness.cleanup();
  });

  for (const chunked of [false, true]) {
    const how = chunked ? 'chunked' : 'with Content-Length';
    it(`${how}: 413 and the handler never runs`, async () => {
      spy.calls = 0;
      spy.bytes = 0;
      const answer = await postLarge(server.port, '/webhooks/telegram', { 'Content-Type': 'application/json' }, TEN_MB, chunked);
      console.log(`[figure] 10 MB body ${how}: status ${answer.status}, handler calls ${spy.calls}, body bytes reaching the handler ${spy.bytes}`);
      expect(answer.status).toBe(413);
      expect(spy).toEqual({ calls: 0, bytes: 0 });
      // The route itself works: a small update reaches the spy.
      const small = await postLarge(server.port, '/webhooks/telegram', { 'Content-Type': 'application/json' }, CHUNK, chunked);
      expect(small.status).toBe(200);
      expect(spy).toEqual({ calls: 1, bytes: CHUNK });
    });

    it(`${how}: a webhook route answers 413 before checking the signature, nothing stored`, async () => {
      const before = harness.rows().length;
      const id = `ten-mb-${chunked ? 'chunked' : 'length'}`;
      const gitea = await postLarge(server.port, '/webhooks/gitea', giteaHeaders('not the body', id, 'push', 'wrong-secret'), TEN_MB, chunked);
      const plane = await postLarge(server.port, '/webhooks/plane', planeHeaders('not the body', id, 'issue', 'wrong-secret'), TEN_MB, chunked);
      expect([gitea.status, plane.status]).toEqual([413, 413]);
      expect(harness.rows()).toHaveLength(before);
      const refused = harness.logger.lines.filter((l) => l.message === 'webhook delivery refused').map((l) => (l.fields as { reason: string }).reason);
      expect(refused.slice(-2)).toEqual(['too_large', 'too_large']);
      if (!chunked) expect(gitea.written).toBeLessThan(TEN_MB); // refused from the header, before the body was sent
    });
  }
});
