/**
 * Accounting of the production health loop (design §10): after the hook exits 0, the health
 * command must succeed `successes` times in a row within `timeoutS`. A failure resets the run of
 * successes; the loop gives up when the next probe could not start before the deadline. Pure: the
 * caller runs the probes and waits (ADR 0028).
 */
import type { DeployHealthConfig } from './deploy-types.ts';

/** Pause between two probes. */
export const HEALTH_INTERVAL_MS = 2000;

/** Where a health loop stands. */
export interface HealthLoop {
  readonly startedAt: number;
  readonly deadline: number;
  readonly needed: number;
  /** Successes in a row so far. */
  readonly inRow: number;
  readonly probes: number;
  /** The last failing probe's output (for the rollback reason). */
  readonly lastFailure: string | null;
}

/** What to do after a probe. */
export type HealthStep =
  | { readonly type: 'healthy'; readonly loop: HealthLoop }
  | { readonly type: 'probe-again'; readonly loop: HealthLoop; readonly waitMs: number }
  | { readonly type: 'unhealthy'; readonly loop: HealthLoop; readonly reason: string };

export function startHealthLoop(health: DeployHealthConfig, now: number): HealthLoop {
  return {
    startedAt: now,
    deadline: now + health.timeoutS * 1000,
    needed: health.successes,
    inRow: 0,
    probes: 0,
    lastFailure: null,
  };
}

/** How long the next probe may run: what is left of the budget (at least 1 ms). */
export function probeBudgetMs(loop: HealthLoop, now: number): number {
  return Math.max(1, loop.deadline - now);
}

/** Account for one probe that ended at `now`. */
export function recordProbe(
  loop: HealthLoop,
  probe: { readonly passed: boolean; readonly output: string },
  now: number,
  intervalMs = HEALTH_INTERVAL_MS,
): HealthStep {
  const next: HealthLoop = {
    ...loop,
    probes: loop.probes + 1,
    inRow: probe.passed ? loop.inRow + 1 : 0,
    lastFailure: probe.passed ? loop.lastFailure : probe.output,
  };
  if (next.inRow >= next.needed && now <= next.deadline) return { type: 'healthy', loop: next };
  if (now + intervalMs >= next.deadline)
    return { type: 'unhealthy', loop: next, reason: unhealthyReason(next) };
  return { type: 'probe-again', loop: next, waitMs: intervalMs };
}

function unhealthyReason(loop: HealthLoop): string {
  const seconds = Math.round((loop.deadline - loop.startedAt) / 1000);
  const head = `health check did not pass ${loop.needed} time(s) in a row within ${seconds} s (${loop.probes} probe(s), ${loop.inRow} in a row at the end)`;
  const output = loop.lastFailure?.trim();
  return output ? `${head}; last failure: ${output}` : head;
}
