/**
 * Waiting for a staging container to become healthy: its `health.command` (run inside it with
 * `sh -c`) must exit 0 within `health.timeoutS`, polled at a short interval.
 */
import type { Clock } from '../ports/clock.ts';
import type { DockerPort } from '../ports/docker.ts';
import type { RunBudget } from './run-budget.ts';

/** How the wait ended. `output` is the health command's last output (stdout and stderr). */
export type HealthOutcome =
  | { readonly type: 'healthy'; readonly attempts: number }
  | { readonly type: 'unhealthy'; readonly reason: string; readonly output: string };

/** What the wait needs. */
export interface HealthWait {
  readonly docker: DockerPort;
  readonly clock: Clock;
  readonly budget: RunBudget;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollMs: number;
}

/** Poll until the command exits 0, the container stops, or `timeoutS` passes. Engine errors throw. */
export async function waitForHealth(
  wait: HealthWait,
  container: string,
  health: { readonly command: string; readonly timeoutS: number },
): Promise<HealthOutcome> {
  const { docker, clock, budget } = wait;
  const deadline = clock.now() + health.timeoutS * 1000;
  let output = '';
  let attempts = 0;
  for (;;) {
    const left = Math.min(deadline - clock.now(), budget.remainingMs());
    if (left <= 0) break;
    attempts += 1;
    const result = await budget.race(docker.exec(container, health.command, left));
    if (result.exitCode === 0 && !result.timedOut) return { type: 'healthy', attempts };
    output = result.timedOut ? `${result.output}\n(health command timed out)` : result.output;
    const state = await budget.race(docker.containerState(container));
    if (state === null || !state.running) {
      return { type: 'unhealthy', reason: 'the staging container stopped before it became healthy', output };
    }
    const pause = Math.min(wait.pollMs, deadline - clock.now(), budget.remainingMs());
    if (pause > 0) await budget.race(wait.sleep(pause, budget.signal));
  }
  budget.check();
  return {
    type: 'unhealthy',
    reason: `health command did not exit 0 within ${health.timeoutS} s (staging.health.timeoutS, ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    output,
  };
}
