/** A real store on a temp file, a queue and an engine with one project, for engine tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { Engine } from '../../core/engine/engine.ts';
import type { DomainEvent } from '../../core/domain/events.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { openStore, type SqliteStore as Store } from '../../adapters/store-sqlite/sqlite-store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import type { Task } from '../../core/domain/task.ts';

export interface EngineHarness {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly engine: Engine;
  readonly project: ProjectConfig;
  readonly clock: { now(): number; advance(ms: number): void };
  task(id: string): Promise<Task>;
  handle(event: DomainEvent): ReturnType<Engine['handle']>;
  cleanup(): void;
}

export function makeProject(overrides: Record<string, unknown> = {}): ProjectConfig {
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'acme/shop',
          cloneUrl: '/nonexistent',
          chatId: -100123,
          approvers: [111, 222],
          agents: { default: 'true' },
          ...overrides,
        },
      ],
    }),
    'test',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  return parsed.projects[0]!;
}

export function engineHarness(options: { maxRetries?: number; project?: Record<string, unknown>; forge?: boolean; tracker?: boolean } = {}): EngineHarness {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-engine-'));
  const store = openStore(join(dir, 'test.db'));
  const queue = new JobQueue(store);
  const project = makeProject(options.project);
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  let ids = 0;
  const engine = new Engine(
    store,
    {
      queue,
      projects: new Map([[project.id, project]]),
      maxDeveloperRetries: options.maxRetries ?? 3,
      trackerEnabled: options.tracker ?? false,
      forgeEnabled: options.forge ?? false,
      newId: () => `appr${++ids}`,
      logger: silentLogger,
    },
    clock,
  );
  return {
    store,
    queue,
    engine,
    project,
    clock,
    task: async (id) => {
      const t = await getTask(store.db, id);
      if (!t) throw new Error(`no task ${id}`);
      return t;
    },
    handle: async (event) => await engine.handle(event),
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
