/**
 * Sends a webhook the way Gitea does (services/webhook/deliver.go): the body is the payload as Go's
 * MarshalIndent writes it, signed with HMAC-SHA256 (hex, also as `X-Hub-Signature-256: sha256=…`) and
 * HMAC-SHA1 (`X-Hub-Signature`), with every header mirrored under the Gogs and GitHub names, in the
 * order the fixtures show. Delivery times out after 5 s like Gitea's default.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { goJson } from './go-json.ts';

/** What a delivery came to, for assertions and the demo's log. */
export interface GiteaDelivery {
  readonly deliveryId: string;
  readonly status: number;
  readonly responseBody: string;
  /** The exact bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Optional knobs; defaults mimic a repository hook on Gitea 1.24+. */
export interface GiteaDeliveryOptions {
  readonly deliveryId?: string;
  readonly targetType?: 'repository' | 'organization' | 'user' | 'system';
  readonly timeoutMs?: number;
}

/** The `X-Gitea-Event` for a hook event type (modules/webhook/type.go `Event()`). */
export function giteaEventName(eventType: string): string {
  if (/^pull_request_(assign|label|milestone|sync|review_request)$/.test(eventType)) return 'pull_request';
  if (/^issue_(assign|label|milestone)$/.test(eventType)) return 'issues';
  if (eventType === 'pull_request_comment') return 'issue_comment';
  if (eventType === 'pull_request_review_approved') return 'pull_request_approved';
  if (eventType === 'pull_request_review_rejected') return 'pull_request_rejected';
  if (eventType === 'pull_request_review_comment') return 'pull_request_comment';
  return eventType;
}

/** The headers Gitea would send for `body` (exposed so tests can build requests without a socket). */
export function giteaWebhookHeaders(
  secret: string,
  eventType: string,
  body: string,
  options: GiteaDeliveryOptions = {},
): Record<string, string> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const event = giteaEventName(eventType);
  const sha256 = secret ? createHmac('sha256', secret).update(body).digest('hex') : '';
  const sha1 = secret ? createHmac('sha1', secret).update(body).digest('hex') : '';
  const target = options.targetType ?? 'repository';
  return {
    'User-Agent': 'Go-http-client/1.1',
    'Content-Type': 'application/json',
    'X-Gitea-Delivery': deliveryId,
    'X-Gitea-Event': event,
    'X-Gitea-Event-Type': eventType,
    'X-Gitea-Hook-Installation-Target-Type': target,
    'X-Gitea-Signature': sha256,
    'X-Gogs-Delivery': deliveryId,
    'X-Gogs-Event': event,
    'X-Gogs-Event-Type': eventType,
    'X-Gogs-Signature': sha256,
    'X-Hub-Signature': sha1 ? `sha1=${sha1}` : '',
    'X-Hub-Signature-256': sha256 ? `sha256=${sha256}` : '',
    'X-GitHub-Delivery': deliveryId,
    'X-GitHub-Event': event,
    'X-GitHub-Event-Type': eventType,
    'X-GitHub-Hook-Installation-Target-Type': target,
    'Accept-Encoding': 'gzip',
  };
}

/**
 * POSTs a signed webhook to `targetUrl`. `eventType` is Gitea's hook event type (`push`, `status`,
 * `pull_request`, `pull_request_sync`, …); `payload` is an object (serialised like Gitea) or the exact
 * body text to send (e.g. a fixture).
 */
export async function deliverWebhook(
  targetUrl: string,
  secret: string,
  eventType: string,
  payload: object | string,
  options: GiteaDeliveryOptions = {},
): Promise<GiteaDelivery> {
  const body = typeof payload === 'string' ? payload : goJson(payload, '  ');
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers = giteaWebhookHeaders(secret, eventType, body, { ...options, deliveryId });
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  return { deliveryId, status: response.status, responseBody: await response.text(), body, headers };
}
