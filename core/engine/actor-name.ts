/** The display name in a `telegram:<id>:<name>` actor; any other actor is its own name. */
export function actorName(actor: string): string {
  return /^telegram:\d+:(.+)$/.exec(actor)?.[1] ?? actor;
}
