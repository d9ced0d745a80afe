/** The processes on the database as `/metrics` reads them (ADR 0055): live ones, with their running jobs. */
import type { ProcessSample } from '../adapters/http/metrics.ts';
import { buildWorkersView, isLive } from '../core/notify/workers-view.ts';
import type { Store } from '../core/store/store.ts';

export async function processSamples(store: Store, now: number): Promise<ProcessSample[]> {
  const view = await buildWorkersView(store.db);
  return view.processes.map((p) => ({ id: p.id, role: p.role, runningJobs: p.runningJobs, live: isLive(p, now) }));
}
