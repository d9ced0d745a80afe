/** Gitea's event headers: which event a delivery is, from `X-Gitea-Event` or its fallback, and which ones Conveyor maps. */

const GITEA_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'pull_request']);

/** True when the Gitea mapper can turn this event into a fact. */
export function isGiteaEvent(event: string): boolean {
  return GITEA_EVENTS.has(event);
}

// Gitea folds these subscription types into `pull_request` (modules/webhook/type.go `Event()`).
const GITEA_PULL_REQUEST_TYPES = /^pull_request_(assign|label|milestone|sync|review_request)$/;

/**
 * The Gitea event name from the `X-Gitea-Event` value, falling back to `X-Gitea-Event-Type`
 * (Gitea 1.23.0/1.23.1 sent an empty `X-Gitea-Event` for `status`). Null when both are empty.
 */
export function resolveGiteaEvent(event: string | null | undefined, eventType: string | null | undefined): string | null {
  const primary = event?.trim();
  if (primary) return primary;
  const fallback = eventType?.trim();
  if (!fallback) return null;
  return GITEA_PULL_REQUEST_TYPES.test(fallback) ? 'pull_request' : fallback;
}
