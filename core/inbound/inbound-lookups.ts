/**
 * What the inbox processor may ask the outside world before it decides, through callbacks the
 * composition root builds from the Plane and Gitea clients (core imports no adapter). Every answer
 * may be null ("unknown"); a lookup that throws is treated as unknown, never as a reason to drop
 * or to guess.
 */
import type { StateDescription } from './tracker-state-meaning.ts';

/** Optional lookups; an absent one is "unknown". */
export interface InboundLookups {
  /** Plane: the user id of Conveyor's own API key (`GET /api/v1/users/me/`), to skip its own changes. */
  readonly trackerSelfId?: () => Promise<string | null>;
  /** Plane: a state's name and group by id (the client caches states per project). */
  readonly trackerState?: (planeProjectId: string, stateId: string) => Promise<StateDescription | null>;
  /** Gitea: the head commit of a branch, to confirm the unknown-sha fallback of design §9. */
  readonly branchHead?: (repo: string, branch: string) => Promise<string | null>;
}

/** Call a lookup; a missing lookup or a failure is null, and a failure is reported to `onError`. */
export async function ask<A extends unknown[], T>(
  lookup: ((...args: A) => Promise<T | null>) | undefined,
  args: A,
  onError: (error: unknown) => void,
): Promise<T | null> {
  if (!lookup) return null;
  try {
    return await lookup(...args);
  } catch (error) {
    onError(error);
    return null;
  }
}
