/**
 * Who changed a Plane work item and through which door. The v1 `activity` names the changed field:
 * `state_id` when a person moved the item in the web UI, `state` when an API key PATCHed it
 * (references/forges.md). v2 payloads carry no activity; both readers then answer null.
 */
import { asObject, objectField, stringField, textField } from './payload-fields.ts';

/** The change's origin as the payload states it. */
export interface PlaneActivity {
  /** `state` (API) or `state_id` (UI), or null when the payload does not say. */
  readonly field: string | null;
  /** The actor's display name, for the transition log. */
  readonly actorName: string | null;
}

/** Read the activity block of a stored Plane payload's text. Never throws. */
export function readPlaneActivity(payloadText: string): PlaneActivity {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payloadText);
  } catch {
    return { field: null, actorName: null };
  }
  const activity = objectField(asObject(parsed), 'activity');
  const actor = objectField(activity, 'actor');
  const name = textField(actor, 'display_name') ?? textField(actor, 'first_name');
  return { field: stringField(activity, 'field'), actorName: name ? name.slice(0, 60) : null };
}

/** True when the change was made through the API (where Conveyor's own moves come from). */
export function madeThroughApi(activity: PlaneActivity): boolean {
  return activity.field === 'state';
}
