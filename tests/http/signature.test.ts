import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripSha256Prefix, verifyHmacSha256Hex } from '../../adapters/http/signature.ts';
import { fixture, sign, SECRET } from './webhook-harness.ts';

const body = new TextEncoder().encode('{"hello":"world"}');

describe('verifyHmacSha256Hex', () => {
  it('accepts the fixture signatures over the exact bytes', () => {
    const push = fixture('gitea-push');
    expect(verifyHmacSha256Hex(SECRET, push.body, push.headers['X-Gitea-Signature'])).toBe(true);
    const plane = fixture('plane-issue-updated-state');
    expect(verifyHmacSha256Hex(SECRET, plane.body, plane.headers['X-Plane-Signature'])).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(verifyHmacSha256Hex(SECRET, body, sign(body).toUpperCase())).toBe(true);
  });

  it.each([
    ['no secret', null, sign(body)],
    ['empty secret', '', sign(body, '')],
    ['no header', SECRET, undefined],
    ['null header', SECRET, null],
    ['empty header', SECRET, ''],
    ['not hex', SECRET, 'g'.repeat(64)],
    ['short', SECRET, sign(body).slice(0, 63)],
    ['long', SECRET, `${sign(body)}a`],
    ['odd prefix', SECRET, `sha256=${sign(body)}`],
    ['whitespace', SECRET, ` ${sign(body)}`],
    ['other secret', SECRET, sign(body, 'other')],
    ['one digit off', SECRET, sign(body).replace(/^./, (c) => (c === '0' ? '1' : '0'))],
  ])('refuses %s', (_label, secret, signature) => {
    expect(verifyHmacSha256Hex(secret, body, signature)).toBe(false);
  });

  it('never throws, and only the true digest verifies', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.uint8Array({ maxLength: 512 }), fc.option(fc.string({ maxLength: 130 })), (secret, bytes, signature) => {
        const verdict = verifyHmacSha256Hex(secret, bytes, signature);
        const expected = !!secret && signature !== null && signature.toLowerCase() === sign(bytes, secret);
        expect(verdict).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('stripSha256Prefix', () => {
  it('takes the digest out of sha256=<hex> and nothing else', () => {
    expect(stripSha256Prefix('sha256=abc')).toBe('abc');
    expect(stripSha256Prefix('sha1=abc')).toBeNull();
    expect(stripSha256Prefix('abc')).toBeNull();
    expect(stripSha256Prefix(null)).toBeNull();
  });
});
