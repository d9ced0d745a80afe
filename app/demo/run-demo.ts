/**
 * The offline demo: a real orchestrator (store, engine, queue, workers, git worktrees, agent
 * processes, local CI) delivering one task on a local bare repository with scripted agents. No
 * token, no servers. The reviewer requests changes once, so a rollback carrying its must-fix text
 * is shown. Exits non-zero unless the task reaches done.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { ConsoleNotifier } from '../../bot/console-notifier.ts';
import { createApp } from '../compose.ts';
import { seedDemoRepository } from './seed-repo.ts';
import { printSummary } from './summary.ts';

const AGENTS = fileURLToPath(new URL('./agents/', import.meta.url));
const APPROVER = { id: 111, name: 'Alice' };

export interface DemoResult {
  readonly ok: boolean;
  readonly taskId: string;
  readonly dbPath: string;
  readonly root: string;
}

export async function runDemo(options: { root?: string; timeoutMs?: number; write?: (text: string) => void; env?: Record<string, string | undefined> } = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
  const remote = seedDemoRepository(root);
  const config = loadConfig({
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_AGENT_TIMEOUT_S: '60',
    ORCH_MAX_DEVELOPER_RETRIES: '3',
    ORCH_LOG_LEVEL: 'warn',
  });
  const project = demoProject(remote);
  const logger = createLogger({ level: config.logLevel, secrets: [] });
  const app = createApp({
    config,
    projects: [project],
    logger,
    env: options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG },
    notifier: ({ store, queue, projects }) =>
      new ConsoleNotifier({ store, queue, projects, locale: config.locale, maxRollbacks: config.maxDeveloperRetries, clock: { now: () => Date.now() }, write }),
    pollMs: 100,
    leaseMs: 15_000,
  });
  write(`Conveyor offline demo\n  repository: ${remote}\n  database:   ${config.dbPath}\n\n`);
  app.start();
  const created = app.engine.handle({
    type: 'TaskRequested',
    key: 'demo:new:1',
    projectId: project.id,
    title: 'Add wishlist count to the cart',
    description: 'Shoppers want to see how many cart items they marked as wished.',
    source: 'chat',
    actor: `telegram:${APPROVER.id}:${APPROVER.name}`,
  });
  if (created.type !== 'created') throw new Error(`demo task was not created: ${JSON.stringify(created)}`);
  const taskId = created.taskId;
  write(`/new ${project.id} Add wishlist count to the cart   (from ${APPROVER.name})\n\n`);

  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let final = getTask(app.store.db, taskId);
  while (Date.now() < deadline) {
    final = getTask(app.store.db, taskId);
    if (!final || final.stage === 'done' || final.stage === 'cancelled' || final.escalated) break;
    const approval = final.phase === 'awaiting-approval' ? pendingApproval(app.store.db, taskId, 'brd') : null;
    if (approval) {
      await app.drain.drainOnce();
      write(`${APPROVER.name} (approver ${APPROVER.id}) presses ✅ Approve\n\n`);
      app.engine.handle({ type: 'ApprovalDecided', key: `demo:approve:${approval.id}`, taskId, approvalId: approval.id, decision: 'approve', actor: `telegram:${APPROVER.id}:${APPROVER.name}` });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await app.drain.drainOnce();
  const ok = final?.stage === 'done';
  printSummary(app.store, taskId, write);
  await app.stop(5_000);
  write(`\n${ok ? '✅ task reached done' : `❌ task did not reach done (${final?.stage ?? '?'}/${final?.phase ?? '?'}${final?.escalated ? ', escalated' : ''})`}\nInspect the database: sqlite3 ${config.dbPath} 'select * from transitions'\n`);
  return { ok, taskId, dbPath: config.dbPath, root };
}

function demoProject(remote: string): ProjectConfig {
  const sh = (role: string) => `sh "${join(AGENTS, `${role}.sh`)}"`;
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'demo/shop',
          cloneUrl: remote,
          defaultBranch: 'main',
          chatId: -1001234567890,
          approvers: [APPROVER.id],
          ciCommand: 'node test.js',
          agents: { analyst: sh('analyst'), developer: sh('developer'), reviewer: sh('reviewer'), tester: sh('tester') },
          stages: ['analysis', 'development', 'review', 'testing'],
        },
      ],
    }),
    'demo project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const project = parsed.projects[0];
  if (!project) throw new Error('demo project missing');
  return project;
}
