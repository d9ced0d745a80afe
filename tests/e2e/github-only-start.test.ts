/**
 * Issue 13's "Done when", as processes: a team on GitHub runs Conveyor end to end with no Gitea and
 * no Plane. A real `conveyor start` configured with TELEGRAM_* and GITHUB_* only; the Bot API
 * sandbox; the GitHub stand-in over a real bare repository, sending signed webhooks and running an
 * Actions job that reports check runs; scripted agents. Covered here: labelled issue → merged PR →
 * issue closed; a red check run → back to development with the check's text; lost check_run and
 * check_suite webhooks → the reconciler; two green PRs at once → the merge gate, main never
 * broken. In-process and unit-level GitHub coverage lives in tests/github/*,
 * tests/e2e/github-forge.test.ts and tests/e2e/github-issues-tracker.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_LABEL } from '../../app/demo/demo-scene-github.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { git } from '../support/git-fixtures.ts';
import { startGithubWorld, type GithubStartWorld } from '../support/github-start-world.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/conveyor.js');

let world: GithubStartWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe('a GitHub-only team (conveyor start, no GITEA_*, no PLANE_*)', () => {
  it('a labelled issue goes to a merged PR on GitHub through check runs, review and testing; the issue is closed', async () => {
    const w = (world = await startGithubWorld());
    expect(Object.keys(w.env).filter((name) => /^(GITEA|PLANE)_/.test(name))).toEqual([]);
    // `conveyor doctor` on the same environment is content with GitHub alone.
    const doctor = await run(process.execPath, [BIN, 'doctor'], { env: { ...w.env, PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    expect(doctor.stdout).toContain('all checks passed');
    const issue = w.scene.github.openIssue({ title: 'Add wishlist count to the cart', body: 'Shoppers want to see how many items they **wished** for.', labels: [DEMO_LABEL], user: 'priya' });
    const id = `SHOP-${issue.number}`;
    await w.approveUntil(() => w.task(id)?.stage === 'done' || w.task(id)?.escalated === 1, 240_000, `${id} never reached done`);
    expect(w.task(id)).toMatchObject({ stage: 'done', escalated: 0, source: 'github', external_id: String(issue.number) });

    // GitHub's side: the PR Conveyor opened is merged, with the commit now on main; the issue is closed.
    const main = await git(w.remote, ['rev-parse', 'main']);
    const [pull] = w.repo.pulls;
    expect(w.repo.pulls).toHaveLength(1);
    expect(pull).toMatchObject({ head: `task/${id}`, base: 'main', merged: true, mergeCommitSha: main });
    expect(w.task(id)?.head_sha).toBe(main);
    expect(await git(w.remote, ['show', 'main:cart.js'])).toContain('if (items == null) return 0;');
    await w.scene.github.settle();
    expect(issue).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(w.repo.comments.some((c) => c.issueNumber === issue.number && c.body.includes('BRD approved by Alice'))).toBe(true);

    // CI was GitHub's (the project has no ciCommand): its check runs turned the task green, by
    // webhook or as read when the PR was opened, and the reviewer's rollback went back through
    // development and CI again.
    const reasons = w.query<{ reason: string; actor: string }>('SELECT reason, actor FROM transitions WHERE task_id = ? ORDER BY id', id);
    expect(reasons.filter((r) => r.reason.startsWith('CI green') && ['github', 'forge'].includes(r.actor)), JSON.stringify(reasons)).toHaveLength(2);
    expect(reasons.some((r) => r.reason.includes('REQUEST_CHANGES'))).toBe(true);
    expect(w.repo.checkRuns.filter((r) => r.name === 'test' && r.conclusion === 'success').length).toBeGreaterThanOrEqual(2);
    expect(w.query<{ source: string }>('SELECT DISTINCT source FROM inbox').map((r) => r.source)).toEqual(['github']);

    // The card is delivered in the chat; no secret in the output; a clean stop.
    let card: string | undefined;
    const delivered = async () => (card = (await w.chat()).find((m) => m.startsWith(`🧩 ${id} · Add wishlist count to the cart`)))?.includes('📦 Delivered') === true;
    await waitFor(delivered, 30_000, () => `the card was not delivered: ${card}`);
    for (const secret of w.scene.secrets) expect(w.conveyor.output()).not.toContain(secret);
    expect(w.conveyor.output()).not.toMatch(/gitea webhook secret|plane webhook secret/);
    expect(await w.conveyor.stop()).toBe(0);
  }, 300_000);

  it('a red check run sends the task back to development with the check\'s name, summary and link', async () => {
    // The Actions job fails until wishlistCount handles null: the developer's first attempt is red.
    const w = (world = await startGithubWorld({ ciCommand: "grep -q 'items == null' cart.js || { echo 'wishlistCount(null) throws'; exit 1; }; node test.js" }));
    const issue = w.scene.github.openIssue({ title: 'Add wishlist count to the cart', body: 'Count wished items.', labels: [DEMO_LABEL], user: 'priya' });
    const id = `SHOP-${issue.number}`;
    await w.approveUntil(() => w.task(id)?.stage === 'done' || w.task(id)?.escalated === 1, 240_000, `${id} never reached done`);
    expect(w.task(id)).toMatchObject({ stage: 'done', escalated: 0 });
    const red = w.repo.checkRuns.find((r) => r.name === 'test' && r.conclusion === 'failure' && r.sha !== w.repo.checkRuns[0]?.sha);
    if (!red) throw new Error('no red check run on a developer commit');
    const rollback = w.query<{ reason: string; from_phase: string }>("SELECT reason, from_phase FROM transitions WHERE task_id = ? AND from_stage = 'development' AND to_stage = 'development' AND reason LIKE 'red:%'", id);
    expect(rollback).toEqual([{ reason: `red: CI failed on ${red.sha.slice(0, 7)}`, from_phase: 'awaiting-ci' }]);
    // The second developer run got the check's name, output title and summary, and its link, as its must-fix.
    const runs = join(w.root, 'work', 'runs', id);
    const second = readdirSync(runs).find((f) => f.startsWith('developer-2'));
    if (!second) throw new Error(`no second developer run in ${runs}`);
    const taskFile = readFileSync(join(runs, second), 'utf8');
    expect(taskFile).toContain('## Must fix');
    expect(taskFile).toMatch(new RegExp(`test: Tests failed: Failing after \\d+s \\(https://github\\.com/${w.repo.fullName}/actions/runs/${red.id}\\)`));
  }, 300_000);

  it('check_run and check_suite webhooks lost: the reconciler reads the check runs from GitHub and the task goes on', async () => {
    const w = (world = await startGithubWorld({ drop: ['check_run', 'check_suite'], env: { ORCH_RECONCILE_INTERVAL_S: '1', ORCH_RECONCILE_GRACE_S: '0' } }));
    const issue = w.scene.github.openIssue({ title: 'Add wishlist count to the cart', body: 'Count wished items.', labels: [DEMO_LABEL], user: 'priya' });
    const id = `SHOP-${issue.number}`;
    await w.approveUntil(() => w.task(id)?.stage === 'done' || w.task(id)?.escalated === 1, 240_000, `${id} never reached done`);
    expect(w.task(id)).toMatchObject({ stage: 'done', escalated: 0 });
    expect(w.scene.github.dropped.filter((what) => what.startsWith('check_run')).length).toBeGreaterThanOrEqual(2);
    expect(w.query<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE event IN ('check_run', 'check_suite')")[0]?.n).toBe(0);
    // No check result ever reached the listener, so none was stored to judge when the task began
    // waiting: both green verdicts (before and after the review rollback) are the reconciler's.
    const green = w.query<{ actor: string }>("SELECT actor FROM transitions WHERE task_id = ? AND reason LIKE 'CI green%'", id);
    expect(green.map((t) => t.actor)).toEqual(['reconciler', 'reconciler']);
  }, 300_000);

  it('two green PRs at once: merged one at a time, the second rebased and re-tested by GitHub on the new main', async () => {
    const agent = `#!/bin/sh
set -eu
mkdir -p "$ORCH_ARTIFACTS_DIR"
case "$ORCH_ROLE" in
  analyst) printf '# BRD\\n\\nAdd a feature file.\\n' > "$ORCH_ARTIFACTS_DIR/01-brd.md" ;;
  developer) echo "feature of $ORCH_TASK_ID" > "feature-$ORCH_TASK_ID.txt" ;;
  reviewer) printf -- '---\\nverdict: APPROVE\\n---\\n## Findings\\n' > "$ORCH_ARTIFACTS_DIR/12-review.md" ;;
  tester) printf -- '---\\nresult: PASS\\n---\\nok\\n' > "$ORCH_ARTIFACTS_DIR/13-test-report.md" ;;
esac
`;
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-github-two-'));
    try {
      writeFileSync(join(dir, 'agent.sh'), agent);
      const w = (world = await startGithubWorld({ project: { agents: { default: `sh "${join(dir, 'agent.sh')}"` } }, env: { ORCH_MAX_CONCURRENCY: '2' } }));
      const issues = ['one', 'two'].map((n) => w.scene.github.openIssue({ title: `Feature ${n}`, body: `Feature ${n}.`, labels: [DEMO_LABEL], user: 'priya' }));
      const ids = issues.map((i) => `SHOP-${i.number}`);
      const finished = () => ids.every((id) => w.task(id)?.stage === 'done' || w.task(id)?.escalated === 1);
      await w.approveUntil(finished, 240_000, `${ids.join(', ')} never finished`);
      for (const id of ids) expect(w.task(id), id).toMatchObject({ stage: 'done', escalated: 0 });

      // Two squash merges through GitHub, one after the other: main is linear, the later PR's
      // base is the earlier one's merge commit, and each merge commit's tree is the tree of a
      // head GitHub's Actions ran green on.
      expect(w.repo.pulls.map((p) => p.merged)).toEqual([true, true]);
      const main = await git(w.remote, ['rev-parse', 'main']);
      // GitHub's merged_at has whole seconds: the later merge is the one main points at.
      const second = w.repo.pulls.find((p) => p.mergeCommitSha === main);
      const first = w.repo.pulls.find((p) => p !== second);
      if (!first?.mergeCommitSha || !second?.mergeCommitSha) throw new Error('main is not a PR merge commit');
      const pulls = [first, second];
      expect(await git(w.remote, ['rev-parse', `${second.mergeCommitSha}^`])).toBe(first.mergeCommitSha);
      expect(second.baseSha).toBe(first.mergeCommitSha);
      for (const pull of pulls) {
        expect(w.repo.checkRuns.some((r) => r.sha === pull.headSha && r.name === 'test' && r.conclusion === 'success'), `green check on ${pull.head}`).toBe(true);
        expect(await git(w.remote, ['rev-parse', `${pull.mergeCommitSha}^{tree}`])).toBe(await git(w.remote, ['rev-parse', `${pull.headSha}^{tree}`]));
      }
      // The second was behind main when its turn came: rebased onto the first's merge commit and
      // tested again by GitHub before it merged.
      expect(await git(w.remote, ['merge-base', '--is-ancestor', first.mergeCommitSha, second.headSha]).then(() => true, () => false)).toBe(true);
      const retested = w.query<{ task_id: string; reason: string }>("SELECT task_id, reason FROM transitions WHERE reason LIKE 'CI green on the rebased head%'");
      expect(retested).toEqual([{ task_id: second.head.replace('task/', ''), reason: `CI green on the rebased head ${second.headSha.slice(0, 7)}` }]);
      const files = await git(w.remote, ['ls-tree', '--name-only', 'main']);
      for (const id of ids) expect(files).toContain(`feature-${id}.txt`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
