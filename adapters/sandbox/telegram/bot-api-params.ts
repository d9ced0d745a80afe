/**
 * Reading a Bot API call's parameters the way the Bot API accepts them: a JSON body (what grammY
 * sends), a form-urlencoded body or the query string, where objects arrive as JSON text.
 */
import type { IncomingMessage } from 'node:http';

/** The call's parameters, or the error answer for an unreadable body. */
export type ParamsRead =
  | { readonly type: 'ok'; readonly params: Params }
  | { readonly type: 'invalid'; readonly status: number; readonly description: string };

const MAX_BODY_BYTES = 1 << 20;

/** Collects the request's parameters; never throws on bad input. */
export async function readParams(request: IncomingMessage, url: URL): Promise<ParamsRead> {
  const raw: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      return { type: 'invalid', status: 413, description: 'Request Entity Too Large' };
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.trim() === '') return { type: 'ok', params: new Params(raw) };
  if (contentType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { type: 'invalid', status: 400, description: "Bad Request: can't parse JSON object" };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { type: 'invalid', status: 400, description: "Bad Request: can't parse JSON object" };
    }
    return { type: 'ok', params: new Params({ ...raw, ...(parsed as Record<string, unknown>) }) };
  }
  if (contentType === 'application/x-www-form-urlencoded') {
    return { type: 'ok', params: new Params({ ...raw, ...Object.fromEntries(new URLSearchParams(body)) }) };
  }
  return {
    type: 'invalid',
    status: 400,
    description: `Bad Request: the sandbox does not accept ${contentType || 'untyped'} bodies; send JSON`,
  };
}

/** Typed access to one call's parameters; absent and null read as undefined. */
export class Params {
  constructor(private readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  /** The raw value: a number, string, boolean, object or array. */
  value(name: string): unknown {
    return this.raw[name] ?? undefined;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  /** An integer given as a number or a decimal string; anything else reads as undefined. */
  integer(name: string): number | undefined {
    const value = this.raw[name];
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
    return undefined;
  }

  boolean(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === '1' || value === 1;
  }

  /** An object or array, given directly (JSON body) or as JSON text (form, query). */
  json(name: string): { readonly type: 'ok'; readonly value: unknown } | { readonly type: 'invalid' } {
    const value = this.raw[name];
    if (typeof value !== 'string') return { type: 'ok', value: value ?? undefined };
    if (value === '') return { type: 'ok', value: undefined };
    try {
      return { type: 'ok', value: JSON.parse(value) };
    } catch {
      return { type: 'invalid' };
    }
  }
}
