/**
 * The local-CI path end to end with real workers: a project with `ciCommand` (no forge), the
 * demo's scripted agents on a real bare repository, the console notifier. The first developer
 * attempt breaks the tests, so local CI is red and the developer runs again with the failure
 * excerpt in its task file; the task ends merged into main.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/compose.ts';
import { seedDemoRepository } from '../../app/demo/seed-repo.ts';
import { ConsoleNotifier } from '../../bot/console-notifier.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { sqliteApp } from '../support/sqlite-app.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-local-ci-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const AGENTS = join(import.meta.dirname, '../../app/demo/agents');

describe('local CI pipeline', () => {
  it('runs ciCommand after each developer push, re-runs the developer on red with the excerpt, and merges', async () => {
    const remote = seedDemoRepository(root);
    // A developer wrapper whose first attempt breaks the suite before doing the real work.
    const developer = join(root, 'developer.sh');
    writeFileSync(
      developer,
      `#!/bin/sh\nif [ "$ORCH_ATTEMPT" = 1 ]; then echo 'throw new Error("boom: cart is broken")' >> cart.js; exit 0; fi\nexec sh "${AGENTS}/developer.sh"\n`,
    );
    const config = loadConfig({ ORCH_DB_PATH: join(root, 'c.db'), ORCH_WORKDIR: join(root, 'work'), ORCH_RECONCILE_ENABLED: 'false' });
    const parsed = parseProjects(
      JSON.stringify({
        projects: [
          {
            id: 'SHOP',
            repo: 'demo/shop',
            cloneUrl: remote,
            chatId: -100,
            approvers: [111],
            ciCommand: 'node test.js',
            agents: { analyst: `sh "${AGENTS}/analyst.sh"`, developer: `sh "${developer}"`, reviewer: `sh "${AGENTS}/reviewer.sh"`, tester: `sh "${AGENTS}/tester.sh"` },
          },
        ],
      }),
      'test',
    );
    if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
    let chat = '';
    const app = sqliteApp(await createApp({
      config,
      projects: parsed.projects,
      logger: silentLogger,
      env: { PATH: process.env.PATH },
      notifier: (parts) => new ConsoleNotifier({ ...parts, locale: 'en', maxRollbacks: 3, clock: { now: () => Date.now() }, write: (t) => void (chat += t) }),
      pollMs: 50,
    }));
    app.start();
    try {
      const created = await app.engine.handle({ type: 'TaskRequested', key: 'k', projectId: 'SHOP', title: 'Add wishlist count', source: 'chat', actor: 'telegram:111:Alice' });
      if (created.type !== 'created') throw new Error(JSON.stringify(created));
      const id = created.taskId;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const task = await getTask(app.store.db, id);
        if (!task || task.stage === 'done' || task.escalated) break;
        const approval = task.phase === 'awaiting-approval' ? await pendingApproval(app.store.db, id, 'brd') : null;
        if (approval) await app.engine.handle({ type: 'ApprovalDecided', key: `a:${approval.id}`, taskId: id, approvalId: approval.id, decision: 'approve', actor: 'telegram:111:Alice' });
        await new Promise((r) => setTimeout(r, 50));
      }
      await app.drain.drainOnce();
      const task = (await getTask(app.store.db, id))!;
      expect(task.stage, chat).toBe('done');
      const log = await transitionsOf(app.store.db, id);
      const ciRed = log.find((t) => t.actor === 'local-ci' && t.reason.startsWith('red: CI failed'));
      expect(ciRed, log.map((t) => `${t.actor} ${t.reason}`).join('\n')).toBeDefined();
      expect(task.attempts).toMatchObject({ developer: 2 });
      expect(task.rollbacks).toBe(1);
      // The second developer run got the CI failure excerpt in its task file.
      const file = readFileSync(join(root, 'work', 'runs', id, 'developer-2.task.md'), 'utf8');
      expect(file).toContain('boom: cart is broken');
      expect(chat).toContain('📦 Delivered');
      expect(execFileSync('git', ['show', 'main:cart.js'], { cwd: remote, encoding: 'utf8' })).toContain('if (items == null) return 0;');
    } finally {
      await app.stop(5_000);
    }
  });
});
