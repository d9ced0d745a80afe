/**
 * The reconciler's probes in the order they are asked (the first answer other than `nothing` wins):
 * 1. tracker (when ORCH_RECONCILE_TRACKER_ENABLED (old name ORCH_RECONCILE_PLANE_ENABLED), a tracker reader and a tracked project exist):
 *    tracker errors, blocked or needs-input states and unread issues skip the task for every later
 *    probe; replays approvals, rejections and unblocks; finds issues with no task;
 * 2. blocked guard: a task flagged blocked is never advanced;
 * 3. gate: stored CI statuses of the head (and, without a forge reader, the unknown-sha fallback);
 * 4. CI (with a forge reader): the forge's branch head and its combined status.
 * Escalated tasks never reach a probe: the candidate query leaves them out.
 */
import { trackerOf } from '../config/tracker-of.ts';
import type { Config } from '../config/config.ts';
import type { ProjectConfig } from '../config/projects.ts';
import type { ForgeReader } from '../ports/forge-reader.ts';
import type { TrackerReader } from '../ports/tracker-reader.ts';
import type { Store } from '../store/store.ts';
import { blockedGuard } from './blocked-guard.ts';
import { ciProbe } from './ci-probe.ts';
import { gateProbe } from './gate-probe.ts';
import type { Probe } from './probe.ts';
import { trackerProbe } from './tracker-probe.ts';

/** Default tracker budget: well inside Plane's 60 requests a minute per key at the default 60 s interval. */
export const DEFAULT_TRACKER_CALLS_PER_PASS = 20;

/** What the probes are built from (the composition root has all of it). */
export interface ReconcilerProbeDeps {
  readonly store: Store;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly trackerReader: TrackerReader | null;
  readonly forgeReader: ForgeReader | null;
  /** The reconciler settings (kill switch for the tracker side, grace for issues without a task). */
  readonly reconcile: Pick<Config['reconcile'], 'planeEnabled' | 'graceS' | 'graceByStage'>;
  readonly trackerCallsPerPass?: number;
}

/** The ordered probe list for the Reconciler (see the order above). */
export function reconcilerProbes(deps: ReconcilerProbeDeps): Probe[] {
  const { store, projects, trackerReader, forgeReader, reconcile } = deps;
  const probes: Probe[] = [];
  const tracked = [...projects.values()].some((p) => trackerOf(p) !== null);
  if (reconcile.planeEnabled && trackerReader && tracked) {
    probes.push(
      trackerProbe({
        store,
        projects,
        reader: trackerReader,
        maxCallsPerPass: deps.trackerCallsPerPass ?? DEFAULT_TRACKER_CALLS_PER_PASS,
        discoveryGraceMs: (reconcile.graceByStage.analysis ?? reconcile.graceS) * 1000,
      }),
    );
  }
  probes.push(blockedGuard);
  // With a forge to ask, the CI probe reads the branch head itself and never needs to guess.
  probes.push(gateProbe(store, projects, { unknownShaFallback: forgeReader === null }));
  if (forgeReader) probes.push(ciProbe(projects, forgeReader));
  return probes;
}
