/**
 * Plane webhook payloads → tracker facts (ADR 0044). Two shapes are accepted: v1 (CE: `event:
 * "issue"`, `action`, `data` with expanded state and labels, `activity` naming the one changed field)
 * and v2 (`event: "workitem.updated"`, flat `*_id` fields, `previous_attributes` holding old values).
 * Descriptions arrive as HTML and leave as plain text; the work item's link is built from PLANE_WEB_URL.
 */
import { htmlToText } from '../../core/inbound/html-text.ts';
import { ignored, type DeliveryMapper, type IgnoredFact, type TrackerActor, type TrackerFact, type TrackerIssueFields, type TrackerState } from '../../core/inbound/inbound-fact.ts';
import { arrayField, asObject, numberField, objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';
import { planeActivityActor } from './plane-activity.ts';
import { normalizePlaneEvent } from './plane-events.ts';
import { NO_PLANE_LINKS, planeIssueUrl, type PlaneLinks } from './plane-links.ts';

const STATE_GROUPS: ReadonlySet<string> = new Set(['backlog', 'unstarted', 'started', 'completed', 'cancelled', 'triage']);
const STATE_FIELDS = ['state_id', 'state'] as const;

/** The Plane mapper the composition root registers, building links with `links`. */
export function planeDeliveryMapper(links: PlaneLinks): DeliveryMapper {
  return (event, payload) => mapPlaneDelivery(event, payload, links);
}

/** Map one Plane delivery (event header value and parsed body) to a fact. Never throws. */
export function mapPlaneDelivery(event: string, payload: unknown, links: PlaneLinks = NO_PLANE_LINKS): TrackerFact | IgnoredFact {
  const body = asObject(payload);
  if (!body) return ignored('payload is not a JSON object');
  const name = normalizePlaneEvent(event.trim() || (stringField(body, 'event') ?? ''));
  const action = name === 'issue' ? v1Action(stringField(body, 'action')) : v2Action(name);
  if (!action) return ignored(`plane event "${name}" with action "${String(stringField(body, 'action'))}" is not used`);
  const data = objectField(body, 'data');
  const issueId = planeText(data, 'id');
  const planeProjectId = idOf(data, 'project') ?? planeText(data, 'project_id');
  if (!issueId || !planeProjectId) return ignored('work item without id or project');
  const issue = issueFields(data, issueId, planeProjectId, links);
  if (action === 'created') return { type: 'tracker-issue', ...issue, actor: planeActivityActor(body) };
  return stateChanged(body, data, issue);
}

function v1Action(action: string | null): 'created' | 'updated' | null {
  if (action === 'created' || action === 'create') return 'created';
  if (action === 'updated' || action === 'update') return 'updated';
  return null;
}

function v2Action(name: string): 'created' | 'updated' | null {
  if (name === 'workitem.created') return 'created';
  if (name === 'workitem.updated') return 'updated';
  return null;
}

/** The work item as the payload serialised it (label names only where v1 expands them). */
function issueFields(data: JsonObject | null, issueId: string, planeProjectId: string, links: PlaneLinks): TrackerIssueFields {
  const state = describeState(data, null);
  return {
    tracker: 'plane',
    scope: planeProjectId,
    issueId,
    number: numberField(data, 'sequence_id'),
    title: stringField(data, 'name') ?? '',
    description: htmlToText(stringField(data, 'description_html') ?? ''),
    labels: arrayField(data, 'labels').map((label) => textField(asObject(label), 'name')).filter(isString),
    state: state.id ? state : null,
    createdBy: planeText(data, 'created_by'),
    url: planeIssueUrl(links, planeProjectId, issueId),
  };
}

function stateChanged(body: JsonObject, data: JsonObject | null, issue: TrackerIssueFields): TrackerFact | IgnoredFact {
  const change = v1StateChange(body) ?? v2StateChange(body, data);
  if (change.type === 'ignored') return change;
  const to = describeState(data, change.newStateId);
  return { type: 'tracker-state-changed', ...issue, to: { ...to, id: change.newStateId }, fromStateId: change.oldStateId, actor: change.actor };
}

type StateChange = { type: 'changed'; newStateId: string; oldStateId: string | null; actor: TrackerActor } | IgnoredFact;

/** v1 sends one webhook per changed field; only `state_id` (UI) and `state` (API) count. */
function v1StateChange(body: JsonObject): StateChange | null {
  const activity = objectField(body, 'activity');
  const actor = planeActivityActor(body);
  if (!activity || !actor) return null;
  const field = stringField(activity, 'field');
  if (!STATE_FIELDS.some((f) => f === field)) return ignored(`update of "${String(field)}" is not a state change`);
  const newStateId = planeText(activity, 'new_value') ?? describeState(objectField(body, 'data'), null).id;
  if (!newStateId) return ignored('state change without a new state');
  return { type: 'changed', newStateId, oldStateId: planeText(activity, 'old_value'), actor };
}

/** v2 lists the previous values of the changed fields. */
function v2StateChange(body: JsonObject, data: JsonObject | null): StateChange {
  const previous = objectField(body, 'previous_attributes');
  const field = STATE_FIELDS.find((f) => previous !== null && f in previous);
  if (!previous || !field) return ignored('update without a state change');
  const newStateId = describeState(data, null).id;
  if (!newStateId) return ignored('state change without a new state');
  const actorId = planeText(data, 'updated_by_id') ?? planeText(data, 'updated_by');
  return { type: 'changed', newStateId, oldStateId: planeText(previous, field) ?? idOf(previous, field), actor: { id: actorId, name: null, throughApi: false } };
}

/** The work item's state as the payload describes it; name and group only if it is `expectedId`. */
function describeState(data: JsonObject | null, expectedId: string | null): TrackerState {
  const expanded = objectField(data, 'state');
  const id = planeText(expanded, 'id') ?? planeText(data, 'state') ?? planeText(data, 'state_id');
  // Plane serialises data at send time, so it may already describe a later state.
  if (!expanded || (expectedId !== null && id !== expectedId)) return { id, name: null, group: null };
  const group = stringField(expanded, 'group');
  return { id, name: textField(expanded, 'name'), group: group && STATE_GROUPS.has(group) ? group : null };
}

/** The id at `key` whether the payload gives it bare or as an expanded `{ id }` object. */
function idOf(source: JsonObject | null, key: string): string | null {
  return planeText(source, key) ?? planeText(objectField(source, key), 'id');
}

/** Plane's v2 payloads spell a missing value as the string "None". */
function planeText(source: JsonObject | null, key: string): string | null {
  const value = textField(source, key);
  return value === 'None' ? null : value;
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value !== 'None';
}
