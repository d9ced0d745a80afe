/**
 * A missing agent program, with real workers, a real repository and the console notifier: the
 * task escalates at once with "agent command not found: …" naming the field, and the card links
 * no BRD (the analyst never wrote one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/compose.ts';
import { seedDemoRepository } from '../../app/demo/seed-repo.ts';
import { ConsoleNotifier } from '../../bot/console-notifier.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { sqliteApp } from '../support/sqlite-app.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-agent-missing-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a missing agent program', () => {
  it('escalates with a clear text naming the program and the field, and the card links no BRD', async () => {
    const remote = seedDemoRepository(root);
    const config = loadConfig({
      ORCH_DB_PATH: join(root, 'c.db'),
      ORCH_WORKDIR: join(root, 'work'),
      ORCH_RECONCILE_ENABLED: 'false',
    });
    const parsed = parseProjects(
      JSON.stringify({
        projects: [
          {
            id: 'SHOP',
            repo: 'demo/shop',
            cloneUrl: remote,
            chatId: -100,
            approvers: [111],
            agents: { default: 'true', analyst: 'no-such-analyst-cli -p' },
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
      notifier: (parts) =>
        new ConsoleNotifier({
          ...parts,
          locale: 'en',
          maxRollbacks: 3,
          clock: { now: () => Date.now() },
          write: (t) => void (chat += t),
        }),
      pollMs: 50,
    }));
    app.start();
    try {
      const created = await app.engine.handle({
        type: 'TaskRequested',
        key: 'k',
        projectId: 'SHOP',
        title: 'Add wishlist count',
        source: 'chat',
        actor: 'telegram:111:Alice',
      });
      if (created.type !== 'created') throw new Error(JSON.stringify(created));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await getTask(app.store.db, created.taskId))?.escalated)
        await new Promise((r) => setTimeout(r, 50));
      await app.drain.drainOnce();
      const task = (await getTask(app.store.db, created.taskId))!;
      expect(task.escalated, chat).toBe(true);
      expect(task.escalationReason).toContain(
        'agent command not found: no-such-analyst-cli (projects[SHOP].agents.analyst)',
      );
      expect(task.escalationReason).not.toContain('exited 127');
      // People read the sentence; the error's class stays in the log and the job row.
      expect(chat).toContain('needs a person: agent job failed: agent command not found: no-such-analyst-cli (projects[SHOP].agents.analyst)');
      expect(chat).not.toContain('PermanentError');
      const linkLines = chat.split('\n').filter((line) => line.includes('🔗'));
      expect(linkLines.length).toBeGreaterThan(0);
      expect(linkLines.join('\n')).not.toContain('BRD');
    } finally {
      await app.stop(2_000);
    }
  });
});
