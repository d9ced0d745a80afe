/**
 * When a tracker issue becomes a task (`startOn`, ADR 0043): at once (`"created"`, the default), or
 * only once it sits in a named state (Plane, `{ "state": "In Progress" }`) or carries a named label
 * (GitHub Issues, `{ "label": "agent:start" }`), so a team can triage first. The webhook path and the
 * reconciler's tracker side ask the same question here.
 */
import { z } from 'zod';
import type { ProjectTracker } from './tracker-of.ts';

/** A project's start rule; absent means `"created"`. */
export type StartOn = 'created' | { readonly state: string } | { readonly label: string };

/** The `startOn` field of a project (problems are worded by project-issues.ts, with an example). */
export const startOnSchema = z.union([
  z.literal('created'),
  z.object({ state: z.string().trim().min(1) }).strict(),
  z.object({ label: z.string().trim().min(1) }).strict(),
]);

/** Problems with the rule for the project's tracker, as `field: message` lines. */
export function startOnProblems(startOn: StartOn | undefined, tracker: ProjectTracker | null): string[] {
  if (startOn === undefined || startOn === 'created') return [];
  if (!tracker) return ['startOn: needs a tracker ("plane" or "github": { "issues": true }); only "created" fits a project without one'];
  if ('state' in startOn && tracker.kind !== 'plane') return ['startOn.state: GitHub Issues have no workflow states; use { "label": "<label>" }'];
  if ('label' in startOn && tracker.kind !== 'github') return ['startOn.label: Plane starts by state; use { "state": "<state name>" }'];
  return [];
}

/** What an issue shows that the rule looks at. */
export interface StartView {
  readonly labels: readonly string[];
  /** The name of the state the issue is in, when known. */
  readonly stateName: string | null;
}

/** True when an eligible issue showing `view` should be a task now. Names match without case. */
export function startsNow(startOn: StartOn | undefined, view: StartView): boolean {
  if (startOn === undefined || startOn === 'created') return true;
  if ('state' in startOn) return view.stateName !== null && same(view.stateName, startOn.state);
  return view.labels.some((name) => same(name, startOn.label));
}

/** True when the rule waits for a state (so a state change may start the task). */
export function startsOnState(startOn: StartOn | undefined): startOn is { readonly state: string } {
  return typeof startOn === 'object' && 'state' in startOn;
}

/** The rule in words, for "waits for …" reasons. */
export function describeStartOn(startOn: StartOn | undefined): string {
  if (startOn === undefined || startOn === 'created') return 'creation';
  return 'state' in startOn ? `the state "${startOn.state}"` : `the label "${startOn.label}"`;
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
