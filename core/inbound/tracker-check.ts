/**
 * What a tracker fact needs from the outside world before its transaction (the tracker may be asked
 * for state names): a state change by Conveyor's own API key is skipped (by actor id when the
 * tracker told us who we are, else every change made through the API), and the states involved
 * are named, so their meaning and a start rule (ADR 0043) can be judged.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { startsOnState } from '../config/start-on.ts';
import type { TrackerFact } from './inbound-fact.ts';
import { ask, type InboundLookups } from './inbound-lookups.ts';
import { projectOfTracker } from './task-finder.ts';
import type { StateDescription } from './tracker-state-meaning.ts';

/** A tracker fact made sense of before the transaction. */
export type TrackerCheck =
  | { readonly type: 'none' }
  | { readonly type: 'own-change'; readonly reason: string }
  /** A state change: the old state (when known) and the new one. */
  | { readonly type: 'states'; readonly from: StateDescription | null; readonly to: StateDescription }
  /** A new issue whose state name a start rule needs and the delivery did not give. */
  | { readonly type: 'state'; readonly state: StateDescription | null };

/** The check for `fact`; only state changes and issues of projects that start on a state need one. */
export async function checkTrackerFact(
  fact: TrackerFact,
  projects: ReadonlyMap<string, ProjectConfig>,
  lookups: InboundLookups,
  onError: (e: unknown) => void,
): Promise<TrackerCheck> {
  if (fact.type === 'tracker-state-changed') return checkStateChange(fact, lookups, onError);
  if (fact.type === 'tracker-decision' || !fact.state?.id || fact.state.name !== null) return { type: 'none' };
  const project = projectOfTracker(projects, fact.tracker, fact.scope);
  if (!project || !startsOnState(project.startOn)) return { type: 'none' };
  return { type: 'state', state: await ask(lookups.trackerState, [fact.scope, fact.state.id], onError) };
}

async function checkStateChange(
  fact: Extract<TrackerFact, { type: 'tracker-state-changed' }>,
  lookups: InboundLookups,
  onError: (e: unknown) => void,
): Promise<TrackerCheck> {
  const self = await ask(lookups.trackerSelfId, [], onError);
  if (self !== null && fact.actor.id === self) return { type: 'own-change', reason: 'changed by Conveyor’s own API key' };
  if (self === null && fact.actor.throughApi)
    return { type: 'own-change', reason: `changed through the API and Conveyor’s own ${fact.tracker} user is unknown` };
  const described = fact.to.name !== null ? { name: fact.to.name, group: fact.to.group } : null;
  const to = described ?? (await ask(lookups.trackerState, [fact.scope, fact.to.id], onError)) ?? { name: null, group: fact.to.group };
  const from = fact.fromStateId ? await ask(lookups.trackerState, [fact.scope, fact.fromStateId], onError) : null;
  return { type: 'states', from, to };
}
