/**
 * Which webhook events Conveyor acts on. The listener stores every verified delivery, but marks
 * the rest processed on arrival so the inbox processor never looks at them.
 */

/** Where a webhook delivery came from. */
export type WebhookSource = 'gitea' | 'github' | 'plane';

const GITEA_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'pull_request']);
// GitHub's X-GitHub-Event names (ping is answered by the route and never stored as actionable).
const GITHUB_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'check_run', 'check_suite', 'pull_request']);
const PLANE_EVENTS: ReadonlySet<string> = new Set(['issue', 'workitem.created', 'workitem.updated']);

// Gitea folds these subscription types into `pull_request` (modules/webhook/type.go `Event()`).
const GITEA_PULL_REQUEST_TYPES = /^pull_request_(assign|label|milestone|sync|review_request)$/;

/** True when the mappers can turn this event into a fact. */
export function isHandledEvent(source: WebhookSource, event: string): boolean {
  if (source === 'gitea') return GITEA_EVENTS.has(event);
  if (source === 'github') return GITHUB_EVENTS.has(event);
  return PLANE_EVENTS.has(normalizePlaneEvent(event));
}

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

/**
 * Plane event names in one spelling: v1 `issue`, v2 `workitem.updated`; the v2 documentation also
 * shows the enum spelling `WebhookScope.ScopeChoices.WORK_ITEM_UPDATED`, which maps to the latter.
 */
export function normalizePlaneEvent(event: string): string {
  const enumForm = /(?:^|\.)WORK_ITEM_([A-Z_]+)$/.exec(event);
  if (enumForm?.[1]) return `workitem.${enumForm[1].toLowerCase()}`;
  return event.trim().toLowerCase();
}
