/**
 * Sends a webhook the way GitHub does: the JSON body signed with HMAC-SHA256 of the secret
 * (`X-Hub-Signature-256: sha256=<hex>`, plus the legacy SHA-1 `X-Hub-Signature`), a GUID in
 * `X-GitHub-Delivery`, the event in `X-GitHub-Event`, and the hook's ids. GitHub gives up after 10 s.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** What a delivery came to. */
export interface GithubDelivery {
  readonly deliveryId: string;
  readonly status: number;
  readonly responseBody: string;
  /** The exact bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The headers GitHub sends for `body` (exposed so tests can sign without a socket). */
export function githubWebhookHeaders(secret: string, event: string, body: string, deliveryId: string = randomUUID()): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': 'GitHub-Hookshot/8a7b6c5',
    'Content-Type': 'application/json',
    'X-GitHub-Delivery': deliveryId,
    'X-GitHub-Event': event,
    'X-GitHub-Hook-ID': '457811010',
    'X-GitHub-Hook-Installation-Target-ID': '1296269',
    'X-GitHub-Hook-Installation-Target-Type': 'repository',
  };
  if (secret) {
    headers['X-Hub-Signature'] = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
    headers['X-Hub-Signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  }
  return headers;
}

/** POSTs a signed webhook; `payload` is an object (sent as compact JSON) or the exact body text. */
export async function deliverGithubWebhook(targetUrl: string, secret: string, event: string, payload: object | string, options: { deliveryId?: string; timeoutMs?: number } = {}): Promise<GithubDelivery> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers = githubWebhookHeaders(secret, event, body, deliveryId);
  const response = await fetch(targetUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  return { deliveryId, status: response.status, responseBody: await response.text(), body, headers };
}
