/**
 * The outbox's pause while the notifier's service is unreachable (see ADR 0020): after the first
 * failure one probe goes out after 1 s, 2 s, 4 s… at most `capMs`; a success ends it, `resume`
 * lets the next probe go at once.
 */

/** Longest pause between probes while the service is unreachable. */
export const OUTAGE_CAP_MS = 5_000;
const OUTAGE_BASE_MS = 1000;

export class OutagePause {
  private outage: { readonly since: number; readonly failures: number; readonly probeAt: number } | null = null;

  constructor(private readonly capMs = OUTAGE_CAP_MS) {}

  /** An outage is in progress (deliveries go one at a time, as probes). */
  active(): boolean {
    return this.outage !== null;
  }

  /** No probe is due yet at `now`. */
  waiting(now: number): boolean {
    return this.outage !== null && now < this.outage.probeAt;
  }

  /** A delivery found the service unreachable; returns whether this began the outage and the pause. */
  failed(now: number): { readonly began: boolean; readonly pauseMs: number } {
    const failures = (this.outage?.failures ?? 0) + 1;
    const pauseMs = Math.min(this.capMs, OUTAGE_BASE_MS * 2 ** Math.min(failures - 1, 20));
    const began = this.outage === null;
    this.outage = { since: this.outage?.since ?? now, failures, probeAt: now + pauseMs };
    return { began, pauseMs };
  }

  /** The service answered; returns how long the outage lasted, or null when there was none. */
  ended(now: number): number | null {
    if (!this.outage) return null;
    const lasted = now - this.outage.since;
    this.outage = null;
    return lasted;
  }

  /** Let the next probe go at once (the service is known to answer again). */
  resume(): void {
    if (this.outage) this.outage = { ...this.outage, probeAt: 0 };
  }

  /** Since when deliveries are paused; null when not. */
  since(): number | null {
    return this.outage?.since ?? null;
  }
}
