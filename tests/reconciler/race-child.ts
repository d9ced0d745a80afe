/**
 * The "webhook" side of the two-process creation race: another process on the same database file
 * turns each tracker issue into the webhook path's TaskRequested. Run with
 * `node --import tsx tests/reconciler/race-child.ts <db> <projects json> <issues json>`; it prints
 * `ready`, waits for a line on stdin, creates, and prints `done <outcomes>`.
 */
import { createInterface } from 'node:readline';
import { parseProjects } from '../../core/config/projects.ts';
import { Engine } from '../../core/engine/engine.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { SqliteJobQueue as JobQueue } from '../../adapters/store-sqlite/sqlite-job-queue.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';

const [dbPath = '', projectsJson = '', issuesJson = ''] = process.argv.slice(2);
const parsed = parseProjects(projectsJson, 'argv');
if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
const projects = new Map(parsed.projects.map((p) => [p.id, p]));
const issues = JSON.parse(issuesJson) as { id: string; sequenceId: number; title: string }[];
const store = openStore(dbPath);
const queue = new JobQueue(store);
const engine = new Engine(store, { queue, projects, maxDeveloperRetries: 3, trackerEnabled: false, forgeEnabled: false, newId: () => Math.random().toString(36).slice(2), logger: silentLogger }, { now: () => Date.now() });

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  void (async () => {
    const outcomes: string[] = [];
    for (const issue of issues) {
      const outcome = await engine.handle({ type: 'TaskRequested', key: `plane:delivery:${issue.id}`, projectId: 'SHOP', title: issue.title, source: 'plane', externalId: issue.id, number: issue.sequenceId, actor: 'plane' });
      outcomes.push(outcome.type);
      // Give the other process room to interleave its transactions with ours.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    store.close();
    process.stdout.write(`done ${outcomes.join(',')}\n`);
    lines.close();
  })();
});
