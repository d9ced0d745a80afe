/**
 * HMAC-SHA256 webhook signatures, checked on the raw body bytes in constant time. Fails closed:
 * no secret, no header, or anything but 64 hex digits is simply "not valid".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** True only when `signatureHex` is the hex HMAC-SHA256 of `rawBody` under `secret`. Never throws. */
export function verifyHmacSha256Hex(secret: string | null, rawBody: Uint8Array, signatureHex: string | null | undefined): boolean {
  if (!secret || typeof signatureHex !== 'string' || !SHA256_HEX.test(signatureHex)) return false;
  try {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    const given = Buffer.from(signatureHex, 'hex');
    return given.length === expected.length && timingSafeEqual(expected, given);
  } catch {
    return false;
  }
}

/** The hex digest from a `sha256=<hex>` header value (GitHub style), or null. */
export function stripSha256Prefix(value: string | null | undefined): string | null {
  return value?.startsWith('sha256=') ? value.slice('sha256='.length) : null;
}
