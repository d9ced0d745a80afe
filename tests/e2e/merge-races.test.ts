/**
 * Merge races with real processes, real git and the real local CI (issue 9): N tasks of one
 * project go green at once, and their changes conflict only semantically — each adds a file under
 * `parts/`, and the project's test allows at most one. Each passes alone; together they fail. In
 * local mode the merge is a fast-forward push; in forge mode the PR is merged through the Gitea
 * stand-in's API (backed by the same bare repository). Whatever the interleaving, main's test passes
 * at every commit of main, and a task that arrives second is rebased, re-tested and rolled back
 * with the failure text; its developer then squashes a compatible change and it is delivered.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/compose.ts';
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { startGiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import { ConsoleNotifier } from '../../bot/console-notifier.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects } from '../../core/config/projects.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { createGitRemote, git, pushCommit } from '../support/git-fixtures.ts';
import { sqliteApp } from '../support/sqlite-app.ts';

/** The project's test: at most one file under parts/. */
export const SEMANTIC_TEST = `n=$(ls parts 2>/dev/null | wc -l); if [ "$n" -gt 1 ]; then echo "semantic clash: $n parts, at most 1 allowed"; exit 1; fi; echo "ok: $n part"`;

/** Analyst writes a BRD; developer attempt 1 adds its part, later attempts squash a compatible change and record the must-fix they got. */
export function raceAgent(markers: string): string {
  return `#!/bin/sh
set -eu
mkdir -p "$ORCH_ARTIFACTS_DIR"
case "$ORCH_ROLE" in
  analyst) printf '# BRD\\n\\nAdd a part.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md" ;;
  developer)
    if [ "$ORCH_ATTEMPT" = 1 ]; then
      mkdir -p parts && echo "$ORCH_TASK_ID" > "parts/$ORCH_TASK_ID.txt"
    else
      cp "$ORCH_TASK_FILE" "${markers}/$ORCH_TASK_ID.must-fix.$ORCH_ATTEMPT"
      rm -f "parts/$ORCH_TASK_ID.txt"
      mkdir -p notes && echo "$ORCH_TASK_ID" > "notes/$ORCH_TASK_ID.txt"
      git reset -q --soft "$(git merge-base HEAD refs/remotes/origin/main)"
    fi ;;
esac
`;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function race(mode: 'local' | 'forge', n: number) {
  const root = mkdtempSync(join(tmpdir(), `conveyor-race-${mode}-`));
  roots.push(root);
  const remote = await createGitRemote();
  const markers = join(root, 'markers');
  mkdirSync(markers);
  await pushCommit(remote.remote, 'main', { 'test.sh': `${SEMANTIC_TEST}\n` }, 'the semantic test');
  const agent = join(root, 'agent.sh');
  writeFileSync(agent, raceAgent(markers));
  const gitea =
    mode === 'forge'
      ? await startGiteaStandin({ token: 'tok', gitRepos: { 'race/shop': remote.remote } })
      : null;
  const config = loadConfig({
    ORCH_DB_PATH: join(root, 'c.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_MAX_CONCURRENCY: '4',
  });
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'race/shop',
          cloneUrl: remote.remote,
          chatId: -100,
          approvers: [111],
          ciCommand: 'sh test.sh',
          stages: ['analysis', 'development'],
          agents: { default: `sh "${agent}"` },
        },
      ],
    }),
    'test',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const app = sqliteApp(await createApp({
    config,
    projects: parsed.projects,
    logger: silentLogger,
    env: { PATH: process.env.PATH, HOME: root },
    forge: gitea ? new GiteaClient({ baseUrl: gitea.url, token: 'tok', timeoutMs: 5000 }) : null,
    notifier: (parts) =>
      new ConsoleNotifier({
        ...parts,
        locale: 'en',
        maxRollbacks: 3,
        clock: { now: () => Date.now() },
        write: () => undefined,
      }),
    pollMs: 50,
  }));
  app.start();
  try {
    const ids = await mapInOrder(Array.from({ length: n }, (_, i) => i), async (i) => {
      const outcome = await app.engine.handle({
        type: 'TaskRequested',
        key: `t${i}`,
        projectId: 'SHOP',
        title: `Part ${i}`,
        source: 'chat',
        actor: 'telegram:111:Alice',
      });
      if (outcome.type !== 'created') throw new Error(JSON.stringify(outcome));
      return outcome.taskId;
    });
    // Approve every BRD only when all are ready, so the tasks reach the merge together.
    const deadline = Date.now() + 150_000;
    let approved = false;
    while (Date.now() < deadline) {
      const tasks = await mapInOrder(ids, async (id) => (await getTask(app.store.db, id))!);
      if (tasks.every((t) => t.stage === 'done' || t.escalated)) break;
      if (!approved && tasks.every((t) => t.phase === 'awaiting-approval')) {
        approved = true;
        for (const t of tasks) {
          const approval = (await pendingApproval(app.store.db, t.id, 'brd'))!;
          await app.engine.handle({
            type: 'ApprovalDecided',
            key: `a:${approval.id}`,
            taskId: t.id,
            approvalId: approval.id,
            decision: 'approve',
            actor: 'telegram:111:Alice',
          });
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const history = async (id: string) =>
      (await transitionsOf(app.store.db, id)).map((t) => `${t.toStage}/${t.toPhase}: ${t.reason}`);
    for (const id of ids)
      expect(await getTask(app.store.db, id), (await history(id)).join('\n')).toMatchObject({
        stage: 'done',
        escalated: false,
      });

    // main's test passes at every commit of main.
    const check = join(root, 'check');
    execFileSync('git', ['clone', '-q', remote.remote, check], {
      env: { PATH: process.env.PATH, HOME: root },
    });
    const shas = (await git(check, ['rev-list', 'origin/main'])).split('\n');
    const broken = shas.filter((sha) => {
      execFileSync('git', ['checkout', '-q', '--detach', sha], { cwd: check });
      try {
        execFileSync('sh', ['-c', SEMANTIC_TEST], { cwd: check, stdio: 'pipe' });
        return false;
      } catch {
        return true;
      }
    });
    expect(broken, `commits of main whose test fails`).toEqual([]);
    expect(shas.length).toBeGreaterThan(n);
    // Every task landed squashed (the default method; through the forge's merge API in forge
    // mode): one commit "<ID>: <title>" each on a linear main.
    expect((await git(check, ['rev-list', '--merges', 'origin/main'])).split('\n').filter(Boolean)).toEqual([]);
    const subjects = (await git(check, ['log', '--format=%s', 'origin/main'])).split('\n');
    for (const id of ids) expect(subjects.filter((s) => s.startsWith(`${id}: `)), subjects.join('\n')).toHaveLength(1);

    // The later tasks were rebased, re-tested and rolled back with the failure text.
    const histories = await mapInOrder(ids, (id) => history(id));
    const rolledBackAtMerge = ids.filter((_id, i) =>
      histories[i]!.some((line) => line.startsWith('development/working: red: merge failed')),
    );
    expect(rolledBackAtMerge.length).toBeGreaterThanOrEqual(1);
    if (n === 2) expect(rolledBackAtMerge).toHaveLength(1);
    for (const id of rolledBackAtMerge) {
      const fileName = join(markers, `${id}.must-fix.2`);
      expect(existsSync(fileName), `${id} got no must-fix`).toBe(true);
      const mustFix = readFileSync(fileName, 'utf8');
      expect(mustFix).toContain('CI failed after rebasing onto main');
      expect(mustFix).toMatch(/semantic clash: \d parts/);
    }
    // No merge lease left; the running app's leader lease (ADR 0052) is not a task's.
    expect(app.store.sqlite.prepare("SELECT COUNT(*) AS n FROM leases WHERE name <> 'leader'").get()).toEqual({ n: 0 });
  } finally {
    await app.stop(5_000);
    await gitea?.close();
    await remote.cleanup();
  }
}

describe('merge races: semantically conflicting tasks green at once', () => {
  for (const mode of ['local', 'forge'] as const) {
    it(
      `${mode} mode, 2 tasks: main never broken; the later one rolled back with the failure`,
      () => race(mode, 2),
      180_000,
    );
    it(`${mode} mode, 5 tasks: main never broken at any commit`, () => race(mode, 5), 240_000);
  }
});
