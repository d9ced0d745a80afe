/**
 * Which webhook events Conveyor acts on. The listener stores every verified delivery, but marks
 * the rest processed on arrival so the inbox processor never looks at them.
 */

/** Where a webhook delivery came from. */
export type WebhookSource = 'gitea' | 'github' | 'plane';

const GITEA_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'pull_request']);
// GitHub's X-GitHub-Event names (ping is answered by the route and never stored as actionable).
const GITHUB_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'check_run', 'check_suite', 'pull_request', 'issues']);
const PLANE_EVENTS: ReadonlySet<string> = new Set(['issue', 'workitem.created', 'workitem.updated']);

/** True when the mappers can turn this event into a fact. */
export function isHandledEvent(source: WebhookSource, event: string): boolean {
  if (source === 'gitea') return GITEA_EVENTS.has(event);
  if (source === 'github') return GITHUB_EVENTS.has(event);
  return PLANE_EVENTS.has(normalizePlaneEvent(event));
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
