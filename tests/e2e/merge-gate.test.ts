/**
 * The merge gate with real workers and a real bare repository: two tasks of one project finish
 * together; merges are serialised by the project's lease, and the second task — now behind main —
 * is rebased, re-tested with the local ciCommand, and merged. Both changes end on main.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

const root = mkdtempSync(join(tmpdir(), 'conveyor-merge-gate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const AGENT = `#!/bin/sh
set -eu
mkdir -p "$ORCH_ARTIFACTS_DIR"
case "$ORCH_ROLE" in
  analyst) printf '# BRD\\n\\nAdd a feature file.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md" ;;
  developer) echo "feature of $ORCH_TASK_ID" > "feature-$ORCH_TASK_ID.txt" ;;
  reviewer) printf -- '---\\nverdict: APPROVE\\n---\\n## Findings\\n' > "$ORCH_ARTIFACTS_DIR/12-review.md" ;;
  tester) printf -- '---\\nresult: PASS\\n---\\nok\\n' > "$ORCH_ARTIFACTS_DIR/13-test-report.md" ;;
esac
`;

describe('merge gate', () => {
  it('serialises two merges; the task left behind main is rebased, re-tested and merged', async () => {
    const remote = seedDemoRepository(root);
    const agent = join(root, 'agent.sh');
    writeFileSync(agent, AGENT);
    const config = loadConfig({ ORCH_DB_PATH: join(root, 'c.db'), ORCH_WORKDIR: join(root, 'work'), ORCH_RECONCILE_ENABLED: 'false', ORCH_MAX_CONCURRENCY: '2' });
    const parsed = parseProjects(
      JSON.stringify({ projects: [{ id: 'SHOP', repo: 'demo/shop', cloneUrl: remote, chatId: -100, approvers: [111], ciCommand: 'node test.js', agents: { default: `sh "${agent}"` } }] }),
      'test',
    );
    if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
    const app = sqliteApp(await createApp({
      config,
      projects: parsed.projects,
      logger: silentLogger,
      env: { PATH: process.env.PATH },
      notifier: (parts) => new ConsoleNotifier({ ...parts, locale: 'en', maxRollbacks: 3, clock: { now: () => Date.now() }, write: () => undefined }),
      pollMs: 50,
    }));
    app.start();
    try {
      const ids = await mapInOrder(['one', 'two'], async (n) => {
        const outcome = await app.engine.handle({ type: 'TaskRequested', key: n, projectId: 'SHOP', title: `Feature ${n}`, source: 'chat', actor: 'telegram:111:Alice' });
        if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
        return outcome.taskId;
      });
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const tasks = await mapInOrder(ids, async (id) => (await getTask(app.store.db, id))!);
        if (tasks.every((t) => t.stage === 'done' || t.escalated)) break;
        for (const t of tasks) {
          const approval = t.phase === 'awaiting-approval' ? await pendingApproval(app.store.db, t.id, 'brd') : null;
          if (approval) await app.engine.handle({ type: 'ApprovalDecided', key: `a:${approval.id}`, taskId: t.id, approvalId: approval.id, decision: 'approve', actor: 'telegram:111:Alice' });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const id of ids) expect(await getTask(app.store.db, id), JSON.stringify((await transitionsOf(app.store.db, id)).map((t) => t.reason))).toMatchObject({ stage: 'done', escalated: false });
      const files = execFileSync('git', ['ls-tree', '--name-only', 'main'], { cwd: remote, encoding: 'utf8' });
      expect(files).toContain('feature-SHOP-1.txt');
      expect(files).toContain('feature-SHOP-2.txt');
      // main is linear: one squash commit per task (the default method), never a merge commit.
      const gitOut = (args: string[]) => execFileSync('git', args, { cwd: remote, encoding: 'utf8' }).trim();
      const parents = gitOut(['log', '--format=%P', 'main']).split('\n');
      expect(parents.every((p) => p.split(' ').filter(Boolean).length <= 1)).toBe(true);
      for (const [id, title] of ids.map((id, i) => [id, `Feature ${['one', 'two'][i]}`] as const)) {
        const landed = gitOut(['log', '--format=%H', '--fixed-strings', `--grep=${id}: ${title}`, 'main']).split('\n');
        expect(landed, `${id} squashed once`).toHaveLength(1);
        // The card's sha is the squash commit on main, and its tree is the tested head's tree.
        expect((await getTask(app.store.db, id))!.headSha).toBe(landed[0]);
        expect(gitOut(['rev-parse', `${landed[0]}^{tree}`])).toBe(gitOut(['rev-parse', `refs/heads/task/${id}^{tree}`]));
      }
      // One of them was behind main at merge time: its CI ran again on the rebased tree.
      const mergeCiLogs = ids.flatMap((id) => readdirSync(join(root, 'work', 'logs', id)).filter((f) => f.includes('.merge-ci-')));
      expect(mergeCiLogs).toHaveLength(1);
      // The lease was released both times.
      expect(app.store.sqlite.prepare("SELECT COUNT(*) AS n FROM leases WHERE name <> 'leader'").get()).toEqual({ n: 0 });
    } finally {
      await app.stop(5_000);
    }
  });
});
