/**
 * Plane webhook payloads → facts. Two shapes are accepted: v1 (CE: `event: "issue"`, `action`,
 * `data` with expanded state and labels, `activity` naming the one changed field) and v2
 * (`event: "workitem.updated"`, flat `*_id` fields, `previous_attributes` holding old values).
 */
import { ignored, type IgnoredFact, type PlaneFact, type PlaneStateGroup } from './inbound-fact.ts';
import { arrayField, asObject, numberField, objectField, stringField, textField, type JsonObject } from './payload-fields.ts';
import { normalizePlaneEvent } from './webhook-events.ts';

const STATE_GROUPS: ReadonlySet<string> = new Set(['backlog', 'unstarted', 'started', 'completed', 'cancelled', 'triage']);
const STATE_FIELDS = ['state_id', 'state'] as const;

/** Map one Plane delivery (event header value and parsed body) to a fact. Never throws. */
export function mapPlaneDelivery(event: string, payload: unknown): PlaneFact | IgnoredFact {
  const body = asObject(payload);
  if (!body) return ignored('payload is not a JSON object');
  const name = normalizePlaneEvent(event.trim() || (stringField(body, 'event') ?? ''));
  const action = name === 'issue' ? v1Action(stringField(body, 'action')) : v2Action(name);
  if (!action) return ignored(`plane event "${name}" with action "${String(stringField(body, 'action'))}" is not used`);
  const data = objectField(body, 'data');
  const issueId = planeText(data, 'id');
  const planeProjectId = idOf(data, 'project') ?? planeText(data, 'project_id');
  if (!issueId || !planeProjectId) return ignored('work item without id or project');
  return action === 'created' ? issueCreated(body, data, issueId, planeProjectId) : stateChanged(body, data, issueId, planeProjectId);
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

function issueCreated(body: JsonObject, data: JsonObject | null, issueId: string, planeProjectId: string): PlaneFact {
  const labelObjects = arrayField(data, 'labels').map(asObject);
  const state = describeState(data, null);
  return {
    type: 'issue-created',
    workspaceId: planeText(body, 'workspace_id') ?? idOf(data, 'workspace') ?? planeText(data, 'workspace_id'),
    planeProjectId,
    issueId,
    sequenceId: numberField(data, 'sequence_id'),
    name: stringField(data, 'name') ?? '',
    descriptionHtml: stringField(data, 'description_html') ?? '',
    labels: labelObjects.map((label) => textField(label, 'name')).filter(isString),
    labelIds: [...labelObjects.map((label) => textField(label, 'id')), ...arrayField(data, 'label_ids')].filter(isString),
    stateId: state.id,
    stateGroup: state.group,
    createdBy: planeText(data, 'created_by'),
  };
}

function stateChanged(body: JsonObject, data: JsonObject | null, issueId: string, planeProjectId: string): PlaneFact | IgnoredFact {
  const change = v1StateChange(body) ?? v2StateChange(body, data);
  if (change.type === 'ignored') return change;
  const state = describeState(data, change.newStateId);
  return {
    type: 'issue-state-changed',
    planeProjectId,
    issueId,
    sequenceId: numberField(data, 'sequence_id'),
    name: stringField(data, 'name'),
    newStateId: change.newStateId,
    oldStateId: change.oldStateId,
    stateName: state.name,
    stateGroup: state.group,
    actorId: change.actorId,
  };
}

type StateChange = { type: 'changed'; newStateId: string; oldStateId: string | null; actorId: string | null } | IgnoredFact;

/** v1 sends one webhook per changed field; only `state_id` (UI) and `state` (API) count. */
function v1StateChange(body: JsonObject): StateChange | null {
  const activity = objectField(body, 'activity');
  if (!activity) return null;
  const field = stringField(activity, 'field');
  if (!STATE_FIELDS.some((f) => f === field)) return ignored(`update of "${String(field)}" is not a state change`);
  const newStateId = planeText(activity, 'new_value') ?? describeState(objectField(body, 'data'), null).id;
  if (!newStateId) return ignored('state change without a new state');
  return {
    type: 'changed',
    newStateId,
    oldStateId: planeText(activity, 'old_value'),
    actorId: planeText(objectField(activity, 'actor'), 'id'),
  };
}

/** v2 lists the previous values of the changed fields. */
function v2StateChange(body: JsonObject, data: JsonObject | null): StateChange {
  const previous = objectField(body, 'previous_attributes');
  const field = STATE_FIELDS.find((f) => previous !== null && f in previous);
  if (!previous || !field) return ignored('update without a state change');
  const newStateId = describeState(data, null).id;
  if (!newStateId) return ignored('state change without a new state');
  return { type: 'changed', newStateId, oldStateId: planeText(previous, field) ?? idOf(previous, field), actorId: planeText(data, 'updated_by_id') ?? planeText(data, 'updated_by') };
}

/** The work item's state as the payload describes it; name and group only if it is `expectedId`. */
function describeState(data: JsonObject | null, expectedId: string | null): { id: string | null; name: string | null; group: PlaneStateGroup | null } {
  const expanded = objectField(data, 'state');
  const id = planeText(expanded, 'id') ?? planeText(data, 'state') ?? planeText(data, 'state_id');
  // Plane serialises data at send time, so it may already describe a later state.
  if (!expanded || (expectedId !== null && id !== expectedId)) return { id, name: null, group: null };
  const group = stringField(expanded, 'group');
  return { id, name: textField(expanded, 'name'), group: group && STATE_GROUPS.has(group) ? (group as PlaneStateGroup) : null };
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
