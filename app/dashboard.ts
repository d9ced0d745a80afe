/** The Mini App dashboard of a running app (docs/dashboard.md); null without a bot token. */
import { linksFor } from './links.ts';
import { buildDashboard, type Dashboard } from '../adapters/dashboard/build-dashboard.ts';
import { runLogReader } from '../adapters/dashboard/run-log-tail.ts';
import type { Config } from '../core/config/config.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { App } from './compose.ts';

export function dashboardFor(app: App, config: Config, logger: Logger, now?: () => number): Dashboard | null {
  const botToken = config.telegram.botToken;
  if (!botToken) return null;
  return buildDashboard({
    store: app.store,
    queue: app.queue,
    engine: app.engine,
    projects: app.projects,
    adminIds: config.adminIds,
    botToken,
    initDataMaxAgeS: config.dashboard.initDataMaxAgeS,
    publicUrl: config.publicUrl,
    capacity: config.maxConcurrency,
    forgeLinks: linksFor(config, app.projects).forge,
    readLog: runLogReader(config.workdir),
    logger: logger.child({ part: 'dashboard' }),
    ...(now ? { now } : {}),
  });
}
