/**
 * This process's instance row (ADR 0021): taken at start, refused while another live instance of
 * the same SQLite database runs on this host (the instance lock; PostgreSQL allows several, ADR 0054), heartbeated while running, marked
 * stopped at a graceful stop. Instances of this host found dead at start (their process gone or
 * its pid reused) are marked stopped and their running jobs' leases expired at once, so a restart
 * after a crash claims them again in seconds instead of after the lease. Instances of other hosts
 * cannot be checked from here: their leases expire as before.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ProcessProbe } from '../ports/process-probe.ts';
import type { Store } from '../store/store.ts';
import {
  expireLeasesOf,
  heartbeatInstance,
  insertInstance,
  markInstanceStopped,
  openInstances,
  pruneStoppedInstances,
  releaseMergeLeasesOf,
  type InstanceRow,
} from '../store/instance-repo.ts';

/** What registering found. */
export type RegisterOutcome =
  | { readonly type: 'registered'; readonly id: string; readonly reclaimed: readonly { instance: InstanceRow; jobs: number }[] }
  | { readonly type: 'locked'; readonly holder: InstanceRow };

const HEARTBEAT_MS = 10_000;
/** Stopped instances are kept this long (for an operator's look), then forgotten. */
const KEEP_STOPPED_MS = 30 * 24 * 3600_000;

/**
 * What this process is (ADR 0055): a `start` is refused by another live `start` of this host; a
 * `worker` is never refused and never refuses (many share one database); both sweep dead rows.
 */
export interface InstanceRole {
  readonly role: 'start' | 'worker';
  /** The job kinds it claims, comma-separated (empty: none). */
  readonly kinds: string;
}

const START_ROLE: InstanceRole = { role: 'start', kinds: '' };

/** Take an instance row for this process in one immediate transaction (two starts serialise). */
export async function registerInstance(store: Store, probe: ProcessProbe, clock: Clock, id: string, as: InstanceRole = START_ROLE): Promise<RegisterOutcome> {
  const self = probe.self();
  return await store.transaction(async (tx): Promise<RegisterOutcome> => {
    const now = clock.now();
    const reclaimed: { instance: InstanceRow; jobs: number }[] = [];
    for (const row of await openInstances(tx)) {
      const liveness = probe.liveness(row);
      // One live `start` per SQLite file (ADR 0021); workers never refuse or are refused (ADR 0055);
      // on PostgreSQL several `start`s share the database and one leads (ADR 0052, 0054).
      if (liveness === 'alive' && as.role === 'start' && row.role === 'start' && store.dialect === 'sqlite') return { type: 'locked', holder: row };
      if (liveness === 'gone') reclaimed.push({ instance: row, jobs: 0 });
    }
    for (const entry of reclaimed) {
      await markInstanceStopped(tx, entry.instance.id, now);
      await releaseMergeLeasesOf(tx, entry.instance.id);
      entry.jobs = await expireLeasesOf(tx, entry.instance.id);
    }
    await pruneStoppedInstances(tx, now - KEEP_STOPPED_MS);
    await insertInstance(tx, { id, host: self.host, pid: self.pid, processStart: self.processStart, bootId: self.bootId, startedAt: now, heartbeatAt: now, role: as.role, kinds: as.kinds });
    return { type: 'registered', id, reclaimed };
  });
}

/** The one line a refused start prints. */
export function lockedMessage(holder: InstanceRow, dbPath: string): string {
  return `another Conveyor is running on ${dbPath} (instance ${holder.id}, pid ${holder.pid} on ${holder.host}, started ${new Date(holder.startedAt).toISOString()}); stop it first`;
}

/** Keeps this instance's row fresh while it runs and marks it stopped at a graceful stop. */
export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: { store: Store; clock: Clock; logger: Logger },
    readonly id: string,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      await this.deps.store.transaction(async (tx) => await heartbeatInstance(tx, this.id, this.deps.clock.now()));
    } catch (error) {
      this.deps.logger.warn({ error: String(error) }, 'instance heartbeat failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      await this.deps.store.transaction(async (tx) => await markInstanceStopped(tx, this.id, this.deps.clock.now()));
    } catch (error) {
      // The next start sees the process gone and marks the row itself.
      this.deps.logger.warn({ error: String(error) }, 'could not mark this instance stopped');
    }
  }
}
