import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, makeListener, post, sign, WEBHOOK_FIXTURES } from './webhook-harness.ts';

// Headers carry bytes 0x20–0xff (fetch refuses CR, LF and NUL itself).
const headerValue = fc
  .array(fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f), { maxLength: 120 })
  .map((codes) => String.fromCharCode(...codes));
const hexish = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9a-fA-F]{0,130}$/),
  headerValue,
  fc.constant(''),
);
const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'x\ud83d', '\u202eevil', '<script>alert(1)</script>', "'; DROP TABLE inbox; --", '🚀'.repeat(1000)),
);
const route = fc.constantFrom('gitea', 'plane');

function isJsonObject(bytes: Uint8Array): boolean {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function headersFor(source: string, signature: string | null, deliveryId: string, event: string): Record<string, string> {
  const h: Record<string, string> = source === 'gitea' ? { 'X-Gitea-Delivery': deliveryId, 'X-Gitea-Event': event } : { 'X-Plane-Delivery': deliveryId, 'X-Plane-Event': event };
  if (signature !== null) h[source === 'gitea' ? 'X-Gitea-Signature' : 'X-Plane-Signature'] = signature;
  return h;
}

describe('ingest never fails and never stores anything unsigned', () => {
  let harness: ReturnType<typeof makeListener>;
  let serial = 0;
  beforeAll(() => {
    harness = makeListener();
  });
  afterAll(() => harness.cleanup());
  const count = () => harness.rows().length;

  it('random bytes with random (unverifiable) signatures and headers → 4xx, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.uint8Array({ maxLength: 4096 }), fc.option(hexish), headerValue, headerValue, async (source, body, signature, deliveryId, event) => {
        fc.pre(signature === null || signature.toLowerCase() !== sign(body));
        const before = count();
        const res = await post(harness.app, `/webhooks/${source}`, body, headersFor(source, signature, deliveryId, event));
        expect(res.status).toBe(401);
        expect(count()).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('signed random bytes → 2xx only when the body is a JSON object, otherwise 400 and nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(route, fc.uint8Array({ maxLength: 4096 }), async (source, body) => {
        const before = count();
        const res = await post(harness.app, `/webhooks/${source}`, body, headersFor(source, sign(body), `bytes-${serial++}`, 'push'));
        const isObject = isJsonObject(body);
        expect(res.status).toBe(isObject ? (source === 'gitea' ? 200 : 202) : 400);
        expect(count()).toBe(before + (isObject ? 1 : 0));
      }),
      { numRuns: 200 },
    );
  });

  it('every truncation of a signed fixture → 400, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WEBHOOK_FIXTURES), fc.nat(), async ({ name, source }, cut) => {
        const { body, headers } = fixture(name);
        const truncated = body.subarray(0, cut % body.length);
        const before = count();
        const res = await post(harness.app, `/webhooks/${source}`, truncated, { ...headers, [source === 'gitea' ? 'X-Gitea-Signature' : 'X-Plane-Signature']: sign(truncated) });
        expect(res.status).toBe(400);
        expect(count()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('signed objects with unicode, huge and wrongly typed values are stored verbatim', async () => {
    const tally = { stored: 0, verbatim: 0 };
    const value = fc.oneof(unicodeText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(unicodeText, { maxLength: 5 }));
    await fc.assert(
      fc.asyncProperty(route, fc.dictionary(unicodeText, value, { maxKeys: 8 }), headerValue, async (source, object, event) => {
        const text = JSON.stringify({ ...object, repository: object, data: object });
        const deliveryId = `uni-${serial++}`;
        const res = await post(harness.app, `/webhooks/${source}`, text, headersFor(source, sign(text), deliveryId, event));
        const trimmed = event.trim();
        if (!trimmed) {
          expect(res.status).toBe(400);
          return;
        }
        expect([200, 202]).toContain(res.status);
        const row = harness.rows().find((r) => r.deliveryId === deliveryId && r.source === source);
        tally.stored += row ? 1 : 0;
        tally.verbatim += row?.payload === text ? 1 : 0;
        expect(row?.payload).toBe(text);
        expect(row?.event).toBe(trimmed);
      }),
      { numRuns: 150 },
    );
    console.log(`[figure] unicode payloads (emoji, RTL, NUL, lone surrogates): stored ${tally.stored}, verbatim ${tally.verbatim}, altered ${tally.stored - tally.verbatim}`);
  });

  it('wrong types and junk in the delivery headers of a signed fixture never produce a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WEBHOOK_FIXTURES), headerValue, headerValue, headerValue, async ({ name, source }, deliveryId, event, eventType) => {
        const { body, headers } = fixture(name);
        const junk = source === 'gitea'
          ? { ...headers, 'X-Gitea-Delivery': deliveryId, 'X-GitHub-Delivery': deliveryId, 'X-Gitea-Event': event, 'X-Gitea-Event-Type': eventType }
          : { ...headers, 'X-Plane-Delivery': deliveryId, 'X-Plane-Event': event };
        const res = await post(harness.app, `/webhooks/${source}`, body, junk);
        expect(res.status).toBeLessThan(500);
        expect([200, 202, 400]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
  });
});
