/**
 * The production health loop, driven: runs the health command through the hook port until the
 * accounting in health-loop.ts says healthy or unhealthy. Never throws.
 */
import type { Clock } from '../ports/clock.ts';
import type { DeployHookPort } from '../ports/deploy-hook.ts';
import type { DeployHealthConfig } from './deploy-types.ts';
import {
  HEALTH_INTERVAL_MS,
  probeBudgetMs,
  recordProbe,
  startHealthLoop,
  type HealthStep,
} from './health-loop.ts';

/** What the loop needs from the world. */
export interface HealthLoopDeps {
  readonly hooks: Pick<DeployHookPort, 'runHealth'>;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Probe until healthy or out of time; `intervalMs` between probes. */
export async function runHealthLoop(
  deps: HealthLoopDeps,
  health: DeployHealthConfig,
  cwd: string,
  logFile: string,
  intervalMs = HEALTH_INTERVAL_MS,
  signal?: AbortSignal,
): Promise<Exclude<HealthStep, { type: 'probe-again' }>> {
  let loop = startHealthLoop(health, deps.clock.now());
  for (;;) {
    const end = await deps.hooks.runHealth({
      command: health.command,
      cwd,
      logFile,
      timeoutMs: probeBudgetMs(loop, deps.clock.now()),
      ...(signal ? { signal } : {}),
    });
    const passed = end.type === 'exited' && end.code === 0;
    const output =
      end.type === 'spawn-failed'
        ? end.error
        : end.type === 'exited'
          ? end.logTail
          : `${end.type}: ${end.logTail}`;
    const step = recordProbe(loop, { passed, output }, deps.clock.now(), intervalMs);
    if (step.type !== 'probe-again') return step;
    if (signal?.aborted)
      return { type: 'unhealthy', loop: step.loop, reason: 'health loop stopped because Conveyor shut down' };
    loop = step.loop;
    await deps.sleep(step.waitMs);
  }
}
