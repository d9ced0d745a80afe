/**
 * The two JSON chores both route files share: writing an answer and reading a small JSON body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes `body` as a JSON answer with `status`. */
export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** A parsed JSON body, or why it could not be parsed. */
export type JsonBody =
  { readonly type: 'ok'; readonly value: unknown } | { readonly type: 'invalid'; readonly reason: string };

/** Reads the request body as JSON (empty reads as `{}`); never throws on bad input. */
export async function readJsonBody(request: IncomingMessage, maxBytes = 1 << 20): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { type: 'invalid', reason: `body larger than ${maxBytes} bytes` };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { type: 'ok', value: {} };
  try {
    return { type: 'ok', value: JSON.parse(text) };
  } catch {
    return { type: 'invalid', reason: 'body is not valid JSON' };
  }
}
