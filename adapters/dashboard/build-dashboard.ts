/** Builds the dashboard from the running app's parts; the listener mounts it at `/app`. */
import type { Hono } from 'hono';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { DashboardRights } from '../../core/dashboard/dashboard-rights.ts';
import { DashboardTokens } from '../../core/dashboard/signed-token.ts';
import type { RunLogReader } from '../../core/dashboard/task-view.ts';
import type { Engine } from '../../core/engine/engine.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import type { Store } from '../../core/store/store.ts';
import { dashboardApp } from './dashboard-app.ts';
import type { DashboardEnv } from './dashboard-session.ts';
import { LiveUpdates } from './live-updates.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export interface DashboardParts {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly adminIds: readonly number[];
  readonly botToken: string;
  readonly initDataMaxAgeS: number;
  /** ORCH_PUBLIC_URL, or null. */
  readonly publicUrl: string | null;
  readonly capacity: number;
  /** The forge repository's browser links of a project, or null. */
  readonly forgeLinks: ForgeLinksOf;
  readonly readLog: RunLogReader;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface Dashboard {
  readonly app: Hono<DashboardEnv>;
  readonly live: LiveUpdates;
  /** End the live streams and stop listening to the engine (before the listener closes). */
  close(): void;
}

export function buildDashboard(parts: DashboardParts): Dashboard {
  const live = new LiveUpdates();
  const off = parts.engine.onHandled((_event, outcome) => {
    if (outcome.type === 'applied' || outcome.type === 'created') live.publish();
  });
  const rights = new DashboardRights(parts.projects, parts.adminIds);
  const app = dashboardApp({
    botToken: parts.botToken,
    tokens: new DashboardTokens(parts.botToken),
    rights,
    initDataMaxAgeS: parts.initDataMaxAgeS,
    secureCookies: parts.publicUrl?.startsWith('https://') ?? false,
    now: parts.now ?? Date.now,
    logger: parts.logger,
    actions: { store: parts.store, engine: parts.engine, project: (id) => rights.project(id) },
    queue: parts.queue,
    capacity: parts.capacity,
    forgeLinks: parts.forgeLinks,
    readLog: parts.readLog,
    live,
  });
  return {
    app,
    live,
    close() {
      off();
      live.close();
    },
  };
}
