/**
 * This process as an instance of its database (ADR 0021), taken right after the store opens:
 * refused while a live instance of this host holds the database, reclaiming the jobs of dead
 * ones. Also arms the test-only crash points when ORCH_TEST_CRASH_AFTER is set.
 */
import { hostname } from 'node:os';
import { procProcessProbe } from '../adapters/process/proc-process-probe.ts';
import type { Config } from '../core/config/config.ts';
import { kindsText } from '../core/config/worker-kinds.ts';
import { randomId } from '../core/engine/engine.ts';
import { AlreadyRunningError } from '../core/errors.ts';
import { armCrashPoint } from '../core/fault/crash-point.ts';
import { InstanceHeartbeat, lockedMessage, registerInstance } from '../core/instances/instance-registry.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { ProcessProbe } from '../core/ports/process-probe.ts';
import type { Store } from '../core/store/store.ts';

/** The instance id (the lease owner of this process's jobs) and its heartbeat. */
export interface Instance {
  readonly id: string;
  readonly heartbeat: InstanceHeartbeat;
}

/** Register; on a live holder, close the store and throw AlreadyRunningError (one line for the CLI). */
export async function takeInstance(
  store: Store,
  deps: { config: Config; logger: Logger; clock: Clock; probe?: ProcessProbe; role?: 'start' | 'worker' },
): Promise<Instance> {
  const { config, logger, clock } = deps;
  const id = `${hostname()}:${process.pid}:${randomId()}`;
  const role = { role: deps.role ?? 'start', kinds: kindsText(config.workerKinds) };
  const registered = await registerInstance(store, deps.probe ?? procProcessProbe, clock, id, role);
  if (registered.type === 'locked') {
    await store.close();
    throw new AlreadyRunningError(lockedMessage(registered.holder, config.dbPath));
  }
  for (const { instance, jobs } of registered.reclaimed)
    logger.warn({ instance: instance.id, pid: instance.pid, jobs }, `instance ${instance.id} is gone; its running jobs are claimed again now`);
  const crashAfter = config.testCrashAfter;
  // Test only (ORCH_TEST_CRASH_AFTER): die right after that effect, before its commit.
  armCrashPoint(
    crashAfter === null
      ? null
      : (effect) => {
          if (effect === crashAfter) process.kill(process.pid, 'SIGKILL');
        },
  );
  return { id, heartbeat: new InstanceHeartbeat({ store, clock, logger }, id) };
}
