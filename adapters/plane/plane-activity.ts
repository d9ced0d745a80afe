/**
 * Who changed a Plane work item and through which door. The v1 `activity` names the changed field:
 * `state_id` when a person moved the item in the web UI, `state` when an API key PATCHed it
 * (references/forges.md). v2 payloads carry no activity; the change's actor then comes from
 * `updated_by`, and nothing says which door.
 */
import type { TrackerActor } from '../../core/inbound/inbound-fact.ts';
import { objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';

/** The activity block of a Plane payload as the change's actor (null without one). */
export function planeActivityActor(body: JsonObject): TrackerActor | null {
  const activity = objectField(body, 'activity');
  if (!activity) return null;
  const actor = objectField(activity, 'actor');
  const name = textField(actor, 'display_name') ?? textField(actor, 'first_name');
  const id = textField(actor, 'id');
  return {
    id: id === 'None' ? null : id,
    name: name ? name.slice(0, 60) : null,
    // `state` is the field an API PATCH names (where Conveyor's own moves come from).
    throughApi: stringField(activity, 'field') === 'state',
  };
}
