/**
 * Plane's webhook event names: which ones Conveyor maps (v1 `issue`, v2 `workitem.created` /
 * `workitem.updated`), in one spelling.
 */

const PLANE_EVENTS: ReadonlySet<string> = new Set(['issue', 'workitem.created', 'workitem.updated']);

/** True when the Plane mapper can turn this event into a fact. */
export function isPlaneEvent(event: string): boolean {
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
