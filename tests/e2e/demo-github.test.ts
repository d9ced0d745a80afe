/**
 * `npm run demo -- --forge github` (ADR 0046): the offline demo on the GitHub stand-in alone — a
 * labelled GitHub issue becomes the task, Actions report check runs, the PR is merged through
 * GitHub's API into the real repository and the issue is closed — telling the same story as on
 * Gitea (the reviewer's rollback with its must-fix text). An unknown `--forge` is a usage error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { git } from '../support/git-fixtures.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/conveyor.js');
const root = mkdtempSync(join(tmpdir(), 'conveyor-demo-github-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What reads like something went wrong (as in demo-options.test.ts). */
const ALARMING = /⚠️|❌|🆘|\bwarn(ing)?\b|"level":\s*(40|50|60)|\bunresolved\b|\bfailed\b|\b[A-Z]\w*Error:/i;

describe('demo --forge github', () => {
  it('delivers the labelled issue through check runs to a merged PR on the GitHub stand-in, and closes the issue', async () => {
    let output = '';
    const result = await runDemo({ root, forge: 'github', timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH } });
    expect(result.ok, output).toBe(true);
    expect(output).toContain('Priya (GitHub web UI): opens issue #1 "Add wishlist count to the cart" labelled "agent"');
    expect(output).toContain('(hosted by the GitHub stand-in at http://127.0.0.1:');
    expect(output).not.toMatch(/Plane API|Gitea stand-in/);
    // The same story: one approval press, one review rollback with its must-fix text, delivered.
    expect(output).toContain('Alice presses ✅ Approve');
    expect(result.transcript).toContain('🔁 rollbacks 1/3 · last must fix: P1: cart.js wishlistCount(null) throws a TypeError');
    expect(result.transcript).toContain('📦 Delivered · merged into the default branch');
    // Every webhook came from GitHub, signed, and was accepted.
    expect(output).toMatch(/^Webhooks: \d+ signed webhooks \(GitHub \d+\) verified, stored and processed: 1 created the task, \d+ moved it/m);
    // GitHub's side: the issue closed as completed, the PR merged with the commit now on main, and
    // green check runs of the Actions job `test`.
    const main = await git(result.remote, ['rev-parse', 'main']);
    expect(output).toMatch(/^ {2}GitHub issue #1 "Add wishlist count to the cart" · closed \(completed\) · labels agent, in-progress$/m);
    expect(output).toContain(`GitHub PR #2 task/SHOP-1 → main "SHOP-1: Add wishlist count to the cart" · merged, commit ${main.slice(0, 7)}`);
    expect(output).toMatch(/check run [0-9a-f]{7} "test" success/);
    expect(await git(result.remote, ['show', 'main:cart.js'])).toContain('if (items == null) return 0;');
    // The task came from the GitHub issue: its source and external id are GitHub's.
    const store = openStore(result.dbPath);
    try {
      expect(await getTask(store.db, 'SHOP-1')).toMatchObject({ source: 'github', externalId: '1', stage: 'done', headSha: main });
    } finally {
      store.close();
    }
  }, 180_000);

  it('as a process: nothing alarming (no Gitea or Plane secret warnings for a GitHub-only world)', async () => {
    const { stdout, stderr } = await run('node', [BIN, 'demo', '--forge', 'github'], { env: { PATH: process.env.PATH ?? '', HOME: root }, maxBuffer: 16 * 1024 * 1024, timeout: 170_000 });
    const output = `${stdout}${stderr}`;
    expect(output).toContain('✅ task reached done');
    expect(stderr).toBe('');
    expect(output.split('\n').filter((line) => ALARMING.test(line))).toEqual([]);
  }, 180_000);

  it('an unknown --forge is a usage error naming the option and the choices (exit 2)', async () => {
    const failed = await run('node', [BIN, 'demo', '--forge', 'gitlab'], { env: { PATH: process.env.PATH ?? '', HOME: root } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('conveyor demo: --forge must be one of gitea, github (got "gitlab")');
  });
});
