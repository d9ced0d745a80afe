import { afterEach, describe, expect, it } from 'vitest';
import { fixture, giteaHeaders, makeListener, planeHeaders, post, sign, SECRET, WEBHOOK_FIXTURES } from './webhook-harness.ts';

let current: ReturnType<typeof makeListener> | undefined;
function listener(...args: Parameters<typeof makeListener>) {
  current = makeListener(...args);
  return current;
}
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

const PUSH = JSON.stringify({ ref: 'refs/heads/task/SHOP-1', after: 'b'.repeat(40), before: 'a'.repeat(40), repository: { full_name: 'acme/shop' } });

describe('webhook ingest: fixtures', () => {
  it.each(WEBHOOK_FIXTURES)('$name verifies and is stored byte for byte', async ({ name, source, event }) => {
    const { app, rows } = listener();
    const { body, text, headers } = fixture(name);
    const res = await post(app, `/webhooks/${source}`, body, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted' });
    const stored = rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ source, event, payload: text, processedAt: null, attempts: 0 });
    expect(Buffer.from(stored[0]!.payload, 'utf8').equals(body)).toBe(true);
    expect(stored[0]!.deliveryId).toBe(headers['X-Gitea-Delivery'] ?? headers['X-Plane-Delivery']);
  });

  it('wakes the processor after a new delivery, not after a duplicate or an ignored event', async () => {
    let wakes = 0;
    const { app } = listener({ onStored: () => void wakes++ });
    const { body, headers } = fixture('gitea-push');
    await post(app, '/webhooks/gitea', body, headers);
    await post(app, '/webhooks/gitea', body, headers);
    await post(app, '/webhooks/gitea', PUSH, giteaHeaders(PUSH, 'other-1', 'issues'));
    expect(wakes).toBe(1);
  });

  it('answers 2xx even when waking the processor throws, and logs it', async () => {
    const { app, rows, logger } = listener({ onStored: () => { throw new Error('boom'); } });
    const { body, headers } = fixture('gitea-push');
    expect((await post(app, '/webhooks/gitea', body, headers)).status).toBe(200);
    expect(rows()).toHaveLength(1);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('waking'))).toBe(true);
  });
});

describe('webhook ingest: signatures', () => {
  const cases: [string, (body: Buffer) => Record<string, string | undefined>][] = [
    ['wrong signature', () => ({ 'X-Gitea-Signature': sign('something else') })],
    ['signature with another secret', (body) => ({ 'X-Gitea-Signature': sign(body, 'not-the-secret') })],
    ['missing signature', () => ({ 'X-Gitea-Signature': undefined, 'X-Gogs-Signature': undefined, 'X-Hub-Signature-256': undefined })],
    ['empty signature', () => ({ 'X-Gitea-Signature': '', 'X-Hub-Signature-256': '' })],
    ['not hex', () => ({ 'X-Gitea-Signature': 'z'.repeat(64), 'X-Hub-Signature-256': undefined })],
    ['wrong length (short)', (body) => ({ 'X-Gitea-Signature': sign(body).slice(0, 62), 'X-Hub-Signature-256': undefined })],
    ['wrong length (long)', (body) => ({ 'X-Gitea-Signature': `${sign(body)}00`, 'X-Hub-Signature-256': undefined })],
    ['sha256= prefix in the bare header', (body) => ({ 'X-Gitea-Signature': `sha256=${sign(body)}`, 'X-Hub-Signature-256': undefined })],
    ['hub header without prefix', (body) => ({ 'X-Gitea-Signature': undefined, 'X-Hub-Signature-256': sign(body) })],
  ];

  it.each(cases)('%s → 401, nothing stored', async (label, change) => {
    const { app, rows } = listener();
    const { body, headers } = fixture('gitea-push');
    const merged = Object.fromEntries(Object.entries({ ...headers, ...change(body) }).filter((e): e is [string, string] => e[1] !== undefined));
    const res = await post(app, '/webhooks/gitea', body, merged);
    console.log(`[figure] ${label}: status ${res.status}, rows stored ${rows().length}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid signature' });
    expect(rows()).toHaveLength(0);
  });

  it('a body changed after signing is refused', async () => {
    const { app, rows } = listener();
    const { text, headers } = fixture('plane-issue-created');
    const res = await post(app, '/webhooks/plane', text.replace('Todo', 'Done'), headers);
    expect(res.status).toBe(401);
    expect(rows()).toHaveLength(0);
  });

  it('accepts X-Hub-Signature-256 when X-Gitea-Signature is absent', async () => {
    const { app, rows } = listener();
    const { body, headers } = fixture('gitea-status-success');
    const { 'X-Gitea-Signature': _gitea, ...rest } = headers;
    const res = await post(app, '/webhooks/gitea', body, rest);
    expect(res.status).toBe(200);
    expect(rows()).toHaveLength(1);
  });

  it('accepts a Gitea delivery identified only by X-GitHub-Delivery', async () => {
    const { app, rows } = listener();
    const { 'X-Gitea-Delivery': _id, ...headers } = giteaHeaders(PUSH, 'unused');
    const res = await post(app, '/webhooks/gitea', PUSH, { ...headers, 'X-GitHub-Delivery': 'gh-1' });
    expect(res.status).toBe(200);
    expect(rows()[0]?.deliveryId).toBe('gh-1');
  });

  it.each(['gitea', 'plane'] as const)('%s secret not configured → 401 for every request, one warning at creation', async (source) => {
    const { app, rows, logger } = listener(source === 'gitea' ? { giteaSecret: null } : { planeSecret: null });
    const warnings = () => logger.lines.filter((l) => l.level === 'warn' && l.message.includes('not configured'));
    expect(warnings()).toHaveLength(1);
    const { body, headers } = fixture(source === 'gitea' ? 'gitea-push' : 'plane-issue-created');
    for (let i = 0; i < 3; i++) {
      const res = await post(app, `/webhooks/${source}`, body, headers);
      expect(res.status).toBe(401);
    }
    expect(warnings()).toHaveLength(1);
    expect(rows()).toHaveLength(0);
  });

  it('an empty secret counts as not configured (fail closed)', async () => {
    const { app, rows } = listener({ giteaSecret: '' });
    const res = await post(app, '/webhooks/gitea', PUSH, giteaHeaders(PUSH, 'd-1', 'push', ''));
    expect(res.status).toBe(401);
    expect(rows()).toHaveLength(0);
  });

  it('never logs the secret or the signature', async () => {
    const { app, logger } = listener();
    const { body, headers } = fixture('gitea-push');
    await post(app, '/webhooks/gitea', body, headers);
    await post(app, '/webhooks/gitea', body, { ...headers, 'X-Gitea-Signature': sign('x') });
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(headers['X-Gitea-Signature']!);
    expect(logged).toContain(headers['X-Gitea-Delivery']!);
  });
});

describe('webhook ingest: headers and bodies', () => {
  it('an empty X-Gitea-Event falls back to X-Gitea-Event-Type (Gitea 1.23 status bug)', async () => {
    const { app, rows } = listener();
    const { body, headers } = fixture('gitea-status-failure');
    const res = await post(app, '/webhooks/gitea', body, { ...headers, 'X-Gitea-Event': '' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted' });
    expect(rows()[0]).toMatchObject({ event: 'status', processedAt: null });
  });

  it.each([
    ['not JSON', '{"ref": "refs/heads/x"'],
    ['a JSON array', '[1,2,3]'],
    ['JSON null', 'null'],
    ['a JSON string', '"push"'],
    ['empty', ''],
  ])('valid signature over %s → 400, nothing stored', async (label, body) => {
    const { app, rows } = listener();
    const res = await post(app, '/webhooks/gitea', body, giteaHeaders(body, 'm-1'));
    console.log(`[figure] valid signature over ${label}: status ${res.status}, rows stored ${rows().length}`);
    expect(res.status).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('valid signature over invalid UTF-8 → 400, nothing stored', async () => {
    const { app, rows } = listener();
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await post(app, '/webhooks/plane', body, planeHeaders(body, 'u-1'));
    expect(res.status).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('missing delivery id → 400, nothing stored', async () => {
    const { app, rows } = listener();
    const { 'X-Gitea-Delivery': _id, ...headers } = giteaHeaders(PUSH, 'x');
    expect((await post(app, '/webhooks/gitea', PUSH, headers)).status).toBe(400);
    const { 'X-Plane-Delivery': _pid, ...plane } = planeHeaders('{"event":"issue"}', 'x');
    expect((await post(app, '/webhooks/plane', '{"event":"issue"}', plane)).status).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('missing event → 400, nothing stored', async () => {
    const { app, rows } = listener();
    const { 'X-Gitea-Event': _e, ...headers } = giteaHeaders(PUSH, 'e-1');
    const res = await post(app, '/webhooks/gitea', PUSH, headers);
    expect(res.status).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('a duplicate delivery → 200 duplicate and still one row', async () => {
    const { app, rows } = listener();
    const { body, headers } = fixture('plane-issue-updated-state');
    expect(await (await post(app, '/webhooks/plane', body, headers)).json()).toEqual({ status: 'accepted' });
    const again = await post(app, '/webhooks/plane', body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(rows()).toHaveLength(1);
  });

  it('the same delivery id from the two senders is two deliveries', async () => {
    const { app, rows } = listener();
    await post(app, '/webhooks/gitea', PUSH, giteaHeaders(PUSH, 'same-id'));
    await post(app, '/webhooks/plane', PUSH, planeHeaders(PUSH, 'same-id'));
    expect(rows().map((r) => r.source)).toEqual(['gitea', 'plane']);
  });

  it.each([
    ['gitea', 'issues'],
    ['gitea', 'workflow_run'],
    ['plane', 'project'],
    ['plane', 'workitem.comment.created'],
  ] as const)('unknown %s event "%s" → 202 ignored and recorded as processed', async (source, event) => {
    const now = 1_772_000_000_000;
    const { app, rows } = listener({ now: () => now });
    const sign = source === 'gitea' ? giteaHeaders : planeHeaders;
    const res = await post(app, `/webhooks/${source}`, PUSH, sign(PUSH, 'ign-1', event));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'ignored' });
    expect(rows()).toEqual([expect.objectContaining({ source, event, payload: PUSH, processedAt: now, receivedAt: now })]);
  });

  it('Plane v2: event_id (stable across retries) is the delivery key, the event comes from the header', async () => {
    const { app, rows } = listener();
    const body = JSON.stringify({ version: 'v2', event_id: 'evt-1', delivery_id: 'del-1', event: 'workitem.updated', data: {}, previous_attributes: {} });
    const first = await post(app, '/webhooks/plane', body, planeHeaders(body, 'del-1', 'workitem.updated'));
    const retry = await post(app, '/webhooks/plane', body, planeHeaders(body, 'del-2', 'workitem.updated'));
    expect(await first.json()).toEqual({ status: 'accepted' });
    expect(await retry.json()).toEqual({ status: 'duplicate' });
    expect(rows()).toEqual([expect.objectContaining({ deliveryId: 'evt-1', event: 'workitem.updated', processedAt: null })]);
  });

  it('an over-long delivery id is refused', async () => {
    const { app, rows } = listener();
    const res = await post(app, '/webhooks/gitea', PUSH, giteaHeaders(PUSH, 'd'.repeat(201)));
    expect(res.status).toBe(400);
    expect(rows()).toHaveLength(0);
  });

  it('a store failure answers 503 (the sender may retry), never a false 2xx', async () => {
    const { app, store } = listener();
    store.sqlite.exec('DROP TABLE inbox');
    const res = await post(app, '/webhooks/gitea', PUSH, giteaHeaders(PUSH, 's-1'));
    expect(res.status).toBe(503);
  });
});

describe('body limit', () => {
  it('a body over 1 MiB with Content-Length → 413, nothing stored', async () => {
    const { app, rows } = listener();
    const body = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
    const res = await post(app, '/webhooks/gitea', body, { ...giteaHeaders(body, 'big-1'), 'Content-Length': String(Buffer.byteLength(body)) });
    expect(res.status).toBe(413);
    expect(rows()).toHaveLength(0);
  });

  it('a streamed body over 1 MiB without Content-Length → 413, nothing stored', async () => {
    const { app, rows } = listener();
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await app.request('/webhooks/plane', { method: 'POST', body: stream, headers: planeHeaders('x', 'big-2'), duplex: 'half' });
    expect(res.status).toBe(413);
    expect(rows()).toHaveLength(0);
  });

  it('a body of exactly 1 MiB is accepted', async () => {
    const { app, rows } = listener();
    const prefix = '{"ref":"refs/heads/x","pad":"';
    const body = `${prefix}${'y'.repeat(1024 * 1024 - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(1024 * 1024);
    const res = await post(app, '/webhooks/gitea', body, giteaHeaders(body, 'edge-1'));
    expect(res.status).toBe(200);
    expect(rows()).toHaveLength(1);
  });
});

describe('metrics and health', () => {
  it('the metrics endpoint shows the counters moving', async () => {
    const { app } = listener();
    const scrape = async () => {
      const res = await app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const before = await scrape();
    expect(before).not.toMatch(/conveyor_webhook_deliveries_total\{/);
    const { body, headers } = fixture('gitea-push');
    await post(app, '/webhooks/gitea', body, headers);
    await post(app, '/webhooks/gitea', body, headers);
    await post(app, '/webhooks/gitea', body, { ...headers, 'X-Gitea-Signature': sign('x') });
    await post(app, '/webhooks/plane', '[]', planeHeaders('[]', 'p-1'));
    await post(app, '/webhooks/plane', PUSH, planeHeaders(PUSH, 'p-2', 'cycle'));
    await post(app, '/webhooks/plane', PUSH, { ...planeHeaders(PUSH, 'p-3'), 'Content-Length': String(2 * 1024 * 1024) });
    const { 'X-Gitea-Delivery': _id, ...noId } = giteaHeaders(PUSH, 'unused');
    await post(app, '/webhooks/gitea', PUSH, noId);
    const after = await scrape();
    expect(after).toContain('conveyor_webhook_rejected_total{source="plane",reason="too_large"} 1');
    expect(after).toContain('conveyor_webhook_rejected_total{source="gitea",reason="no_delivery_id"} 1');
    expect(after).toContain('conveyor_webhook_deliveries_total{source="gitea",outcome="accepted"} 1');
    expect(after).toContain('conveyor_webhook_deliveries_total{source="gitea",outcome="duplicate"} 1');
    expect(after).toContain('conveyor_webhook_deliveries_total{source="plane",outcome="ignored"} 1');
    expect(after).toContain('conveyor_webhook_rejected_total{source="gitea",reason="signature"} 1');
    expect(after).toContain('conveyor_webhook_rejected_total{source="plane",reason="malformed"} 1');
  });

  it('healthz answers 200 with the checks when healthy', async () => {
    const { app } = listener({ health: async () => ({ ok: true, checks: { database: true, telegram: 'polling' } }) });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: true, telegram: 'polling' } });
  });

  it('healthz answers 503 when a check fails or the check itself throws', async () => {
    const { app } = listener({ health: async () => ({ ok: false, checks: { database: false } }) });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, checks: { database: false } });
    current?.cleanup();
    const throwing = listener({ health: async () => Promise.reject(new Error('db gone')) });
    expect((await throwing.app.request('/healthz')).status).toBe(503);
  });

  it('the Telegram route is mounted only when given, and unknown paths are 404', async () => {
    const { app } = listener({ telegram: { path: '/telegram/hook', handler: async (c) => c.json({ seen: await c.req.json() }) } });
    const res = await post(app, '/telegram/hook', '{"update_id":1}', { 'Content-Type': 'application/json' });
    expect(await res.json()).toEqual({ seen: { update_id: 1 } });
    expect((await app.request('/telegram/other', { method: 'POST' })).status).toBe(404);
    current?.cleanup();
    const plain = listener();
    expect((await post(plain.app, '/telegram/hook', '{}', {})).status).toBe(404);
  });

  it('the Telegram route has the same body limit, and its handler never sees an oversized update', async () => {
    let calls = 0;
    const { app } = listener({ telegram: { path: '/tg', handler: (c) => (calls++, c.text('ok')) } });
    const big = 'x'.repeat(1024 * 1024 + 1);
    const res = await post(app, '/tg', big, { 'Content-Length': String(big.length) });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(calls).toBe(0);
  });

  it('GET on a webhook route is not a delivery', async () => {
    const { app, rows } = listener();
    const res = await app.request('/webhooks/gitea');
    expect(res.status).toBe(404);
    expect(rows()).toHaveLength(0);
  });
});
