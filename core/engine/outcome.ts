/** What handling one event did. Expected outcomes are values; the caller decides what to say. */
export type EngineOutcome =
  | { readonly type: 'applied'; readonly taskId: string; readonly transitions: number }
  | { readonly type: 'created'; readonly taskId: string }
  /** The event's key already took effect (a replay). */
  | { readonly type: 'duplicate'; readonly taskId?: string }
  /** Nothing to do: stale, not applicable in the task's state, or nothing changed. */
  | { readonly type: 'noop'; readonly reason: string }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'already-decided'; readonly by: string; readonly at: number; readonly state: string };

export function noop(reason: string): EngineOutcome {
  return { type: 'noop', reason };
}
