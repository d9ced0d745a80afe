/**
 * Who this process is, and whether another recorded process still runs: what the instance lock and
 * the fast reclaim after a crash need (ADR 0021). The adapter reads Linux's /proc.
 */

/** A process as an instance row records it. */
export interface ProcessIdentity {
  readonly host: string;
  readonly pid: number;
  /** The process's start time (/proc/<pid>/stat field 22); null where it cannot be read. */
  readonly processStart: string | null;
  /** The kernel boot's random id; start times compare only within one boot. */
  readonly bootId: string | null;
}

/**
 * `alive`: that very process still runs (same pid and start time in the same boot). `gone`: it
 * does not (no such pid, a zombie, a reused pid, or an earlier boot of this host). `unknown`:
 * it cannot be told from here (another host, or no /proc).
 */
export type Liveness = 'alive' | 'gone' | 'unknown';

export interface ProcessProbe {
  /** This process. */
  self(): ProcessIdentity;
  /** Whether `other` still runs; synchronous, so it can be asked inside a transaction. */
  liveness(other: ProcessIdentity): Liveness;
}
