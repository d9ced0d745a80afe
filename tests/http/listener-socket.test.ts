import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { serveListener, type RunningListener } from '../../adapters/http/serve.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { inbox } from '../../adapters/store-sqlite/schema.ts';
import { fixture, giteaHeaders, makeListener, planeHeaders } from './webhook-harness.ts';

interface Answer {
  status: number;
  body: string;
}

/** POST through a real socket; `chunks` sends Transfer-Encoding: chunked, one write per chunk. */
function send(port: number, path: string, headers: Record<string, string>, body: { whole: Buffer | string } | { chunks: Buffer[] }, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunked = 'chunks' in body;
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: agent ?? false, headers: chunked ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body.whole)) } });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may answer 413 and stop reading while we still write: that is the point.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (chunked) {
      const write = (i: number): void => {
        if (i === body.chunks.length || answered) return void req.end();
        req.write(body.chunks[i], () => write(i + 1));
      };
      write(0);
    } else {
      req.end(body.whole);
    }
  });
}

describe('listener on a real socket', () => {
  let harness: ReturnType<typeof makeListener>;
  let server: RunningListener;
  beforeAll(async () => {
    harness = makeListener();
    server = await serveListener(harness.app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    harness.cleanup();
  });
  const countOf = (deliveryId: string) => harness.rows().filter((r) => r.deliveryId === deliveryId).length;

  it('binds a free port and stores a fixture byte for byte', async () => {
    expect(server.port).toBeGreaterThan(0);
    const { body, headers } = fixture('gitea-pull_request-merged');
    const answer = await send(server.port, '/webhooks/gitea', headers, { whole: body });
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ status: 'accepted' }) });
    // Read through a second connection: the row is committed, not just visible to the writer.
    const reader = openStore(harness.store.path);
    try {
      const row = reader.readDb.select().from(inbox).where(eq(inbox.deliveryId, headers['X-Gitea-Delivery']!)).get();
      expect(Buffer.from(row!.payload, 'utf8').equals(body)).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('a chunked body within the limit is accepted', async () => {
    const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/a', pad: 'p'.repeat(200_000) }));
    const chunks = [body.subarray(0, 70_000), body.subarray(70_000, 140_000), body.subarray(140_000)];
    const answer = await send(server.port, '/webhooks/gitea', giteaHeaders(body, 'chunk-ok'), { chunks });
    expect(answer.status).toBe(200);
    expect(harness.rows().find((r) => r.deliveryId === 'chunk-ok')?.payload).toBe(body.toString('utf8'));
  });

  it('a body over 1 MiB with Content-Length → 413, nothing stored', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const answer = await send(server.port, '/webhooks/gitea', giteaHeaders(body, 'big-cl'), { whole: body });
    expect(answer.status).toBe(413);
    expect(countOf('big-cl')).toBe(0);
  });

  it('a chunked body over 1 MiB → 413, nothing stored', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const chunks = Array.from({ length: 40 }, () => chunk);
    const answer = await send(server.port, '/webhooks/plane', planeHeaders(Buffer.concat(chunks), 'big-chunked'), { chunks });
    expect(answer.status).toBe(413);
    expect(countOf('big-chunked')).toBe(0);
  });

  it('the same delivery 50 times at once → exactly one row, every answer 2xx', async () => {
    const { body, headers } = fixture('plane-issue-created');
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => send(server.port, '/webhooks/plane', headers, { whole: body }, agent)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const statuses = answers.map((a) => (JSON.parse(a.body) as { status: string }).status);
      expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
      expect(countOf(headers['X-Plane-Delivery']!)).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('a kept-alive connection is not reused after a 413 (the next delivery on the same agent succeeds)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(2 * 1024 * 1024, 0x63);
      expect((await send(server.port, '/webhooks/gitea', giteaHeaders(big, 'ka-big-1'), { whole: big }, agent)).status).toBe(413);
      const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x64));
      expect((await send(server.port, '/webhooks/gitea', giteaHeaders(Buffer.concat(chunks), 'ka-big-2'), { chunks }, agent)).status).toBe(413);
      const small = JSON.stringify({ ref: 'refs/heads/c' });
      expect((await send(server.port, '/webhooks/gitea', giteaHeaders(small, 'ka-small'), { whole: small }, agent)).status).toBe(200);
      expect(countOf('ka-small')).toBe(1);
      expect(countOf('ka-big-1') + countOf('ka-big-2')).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it('the server still serves after the refused large bodies', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/b' });
    const answer = await send(server.port, '/webhooks/gitea', giteaHeaders(body, 'after-413'), { whole: body });
    expect(answer.status).toBe(200);
    expect(countOf('after-413')).toBe(1);
  });
});

describe('serveListener', () => {
  it('close() stops accepting connections', async () => {
    const harness = makeListener();
    const server = await serveListener(harness.app, { host: '127.0.0.1', port: 0 });
    await server.close();
    await expect(send(server.port, '/healthz', {}, { whole: '' })).rejects.toThrow(/ECONNREFUSED/);
    harness.cleanup();
  });

  it('a port in use is a typed error naming the address', async () => {
    const harness = makeListener();
    const first = await serveListener(harness.app, { host: '127.0.0.1', port: 0 });
    try {
      await expect(serveListener(harness.app, { host: '127.0.0.1', port: first.port })).rejects.toThrow(`starting the listener on 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
      harness.cleanup();
    }
  });
});
