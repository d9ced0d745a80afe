/**
 * The tracker side as a probe: one budgeted read of every tracked project per pass (shared by all
 * its tasks, made on first need), each tracked task judged against it, then the issues without a
 * task. Tasks not linked to a tracker issue are not its business.
 */
import { trackerOf } from '../config/tracker-of.ts';
import type { ProjectConfig } from '../config/projects.ts';
import type { TrackerReader } from '../ports/tracker-reader.ts';
import type { Store } from '../store/store.ts';
import { NOTHING, type PassProbe } from './probe.ts';
import { discoverIssues } from './tracker-discovery.ts';
import { judgeTrackedTask } from './tracker-judge.ts';
import { TrackerWalk, type ProjectView } from './tracker-walk.ts';

/** What the tracker probe is built from. */
export interface TrackerProbeOptions {
  readonly store: Store;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly reader: TrackerReader;
  /** Most tracker calls one pass makes, all projects together; the rest waits for the next pass. */
  readonly maxCallsPerPass: number;
  /** Issues created less than this long ago are left to their creation webhook. */
  readonly discoveryGraceMs: number;
}

/** The tracker-side probe (a pass probe: one budgeted read per pass). */
export function trackerProbe(options: TrackerProbeOptions): PassProbe {
  const tracked = [...options.projects.values()].filter((p) => trackerOf(p) !== null).map((p) => p.id);
  const walk = new TrackerWalk(options.reader, tracked, options.maxCallsPerPass);
  return {
    name: 'tracker',
    start(pass) {
      let views: Promise<ReadonlyMap<string, ProjectView>> | null = null;
      const read = () => (views ??= walk.read(pass.dryRun));
      return {
        async check(task) {
          const project = options.projects.get(task.projectId);
          if (!task.externalId || !project || !trackerOf(project)) return NOTHING;
          const view = (await read()).get(project.id) ?? { type: 'unread' };
          return await judgeTrackedTask(options.store, task, task.externalId, view);
        },
        async discover() {
          return await discoverIssues(options.store, options.projects, await read(), pass.now - options.discoveryGraceMs);
        },
      };
    },
  };
}
