/**
 * Sends a webhook the way Plane CE does (bgtasks/webhook_task.py, v1 payloads): the body is
 * `json.dumps(payload)` — `, `/`: ` separators, ASCII-escaped — and `X-Plane-Signature` is the hex
 * HMAC-SHA256 of exactly those bytes under the webhook's secret. Headers as python-requests sends them.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { expandedWorkItemJson } from './plane-standin-json.ts';
import type { WorkItemActivity } from './plane-standin-model.ts';
import type { PlaneStandinState } from './plane-standin-state.ts';
import { pythonJson } from './python-json.ts';

/** What a delivery came to. */
export interface PlaneDelivery {
  readonly deliveryId: string;
  readonly status: number;
  readonly responseBody: string;
  /** The exact bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The `{event, action, webhook_id, workspace_id, data, activity}` body of an `issue` webhook. */
export function issueWebhookPayload(
  activity: WorkItemActivity,
  world: PlaneStandinState,
  webhookId: string,
): Record<string, unknown> {
  return {
    event: 'issue',
    action: activity.action,
    webhook_id: webhookId,
    workspace_id: world.workspaceId,
    data: expandedWorkItemJson(activity.item, world),
    activity: {
      field: activity.field,
      new_value: activity.newValue,
      old_value: activity.oldValue,
      actor: { ...activity.actor },
      old_identifier: null,
      new_identifier: null,
    },
  };
}

/** The headers Plane sends with `body`. */
export function planeWebhookHeaders(
  secret: string,
  event: string,
  body: string,
  deliveryId: string = randomUUID(),
): Record<string, string> {
  return {
    'User-Agent': 'Autopilot',
    'Accept-Encoding': 'gzip, deflate',
    Accept: '*/*',
    'Content-Type': 'application/json',
    'X-Plane-Delivery': deliveryId,
    'X-Plane-Event': event,
    'X-Plane-Signature': createHmac('sha256', secret).update(body).digest('hex'),
  };
}

/** POSTs a Plane-signed webhook; `payload` is an object (serialised like Python) or exact body text. */
export async function deliverPlaneWebhook(
  targetUrl: string,
  secret: string,
  payload: Record<string, unknown> | string,
  options: { event?: string; deliveryId?: string; timeoutMs?: number } = {},
): Promise<PlaneDelivery> {
  const body = typeof payload === 'string' ? payload : pythonJson(payload, 'dumps');
  const named = typeof payload === 'string' ? undefined : payload.event;
  const event = options.event ?? (typeof named === 'string' ? named : 'issue');
  const deliveryId = options.deliveryId ?? randomUUID();
  const headers = planeWebhookHeaders(secret, event, body, deliveryId);
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  return { deliveryId, status: response.status, responseBody: await response.text(), body, headers };
}
