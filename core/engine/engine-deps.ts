/** What the engine is built with; deciders see only {@link EngineRules}. */
import type { ProjectConfig } from '../config/projects.ts';
import type { Logger } from '../ports/logger.ts';
import type { JobQueue } from '../queue/job-queue.ts';

/** The configuration deciders decide by (data, no I/O). */
export interface EngineRules {
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly maxDeveloperRetries: number;
  /** A tracker client is configured (tracker jobs are enqueued for tasks from the tracker). */
  readonly trackerEnabled: boolean;
  /** A forge client is configured (PRs are opened, merges go through it). */
  readonly forgeEnabled: boolean;
}

/** Static dependencies of the engine. */
export interface EngineDeps extends EngineRules {
  readonly queue: JobQueue;
  /** Mints ids of new approvals (they travel in callback data). */
  readonly newId: () => string;
  readonly logger: Logger;
}
