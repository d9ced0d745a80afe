/**
 * The offline demo with Gitea and Plane: the task comes from a Plane work item through the signed
 * webhook and the listener, CI arrives as Gitea `status` webhooks, a PR is opened on the Gitea
 * stand-in and merged through its API into the real repository, and Plane gets the BRD decision as
 * a comment. Checked in the output, the database, the real git repository and nowhere else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { inbox } from '../../adapters/store-sqlite/schema.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-demo-webhooks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('offline demo through Gitea and Plane', () => {
  it('creates the task from a Plane webhook, opens and merges the PR on Gitea, comments on Plane', async () => {
    let output = '';
    const started = Date.now();
    const result = await runDemo({
      root,
      timeoutMs: 60_000,
      write: (t) => void (output += t),
      env: { PATH: process.env.PATH },
    });
    expect(result.ok, output).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);

    // What the other systems saw.
    expect(output).toMatch(
      /Gitea {2}PR #1 task\/SHOP-1 → main "SHOP-1: Add wishlist count to the cart" opened by conveyor · merged by conveyor/,
    );
    expect(output).toContain('💬 Conveyor (API key): BRD approved by Alice');
    expect(output).toMatch(/Plane {2}SHOP-1 "Add wishlist count to the cart" · state Done \(completed\)/);
    // The webhooks in one line; each one (kept folder) in webhooks.txt. Conveyor's own Plane moves
    // come back as webhooks and are recognised by the API key's user.
    expect(output).toMatch(/^Webhooks: \d+ signed webhooks \(Gitea \d+, Plane 3\) verified, stored and processed: 1 created the task, \d+ moved it, \d+ needed nothing/m);
    expect(output).not.toContain('→ 200 accepted');
    expect(readFileSync(join(root, 'webhooks.txt'), 'utf8')).toMatch(
      /issue updated: state → In Progress by conveyor-bot \(API\) +→ 200 accepted → ignored: changed by Conveyor’s own API key/,
    );

    const store = openStore(result.dbPath);
    try {
      const rows = store.readDb.select().from(inbox).all();
      expect(rows.every((r) => r.processedAt !== null && r.error === null)).toBe(true);
      expect(new Set(rows.map((r) => `${r.source}:${r.event}`))).toEqual(
        new Set(['plane:issue', 'gitea:push', 'gitea:status', 'gitea:pull_request']),
      );
      const log = await transitionsOf(store.db, result.taskId!);
      // The task exists because the Plane webhook went through the listener into the engine.
      expect(log[0]).toMatchObject({ reason: 'task requested', actor: 'plane:priya.nair' });
      expect(log[0]?.eventKey).toMatch(/^inbox:plane:/);
      expect(log.filter((t) => t.reason === 'CI green')).toHaveLength(2);
      // Gitea's statuses were stored from its webhooks: one latest per pushed commit.
      const statuses = store.sqlite
        .prepare("SELECT DISTINCT state FROM ci_statuses WHERE repo = 'demo/shop'")
        .all();
      expect(statuses).toEqual([{ state: 'success' }]);
      // The card's sha is the one now on main (the forge's squash commit).
      const main = execFileSync('git', ['--git-dir', join(root, 'remote', 'shop.git'), 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
      expect(await getTask(store.db, result.taskId!)).toMatchObject({ stage: 'done', headSha: main });
    } finally {
      store.close();
    }

    // The API merge reached the real repository: one squash commit on main with the fix (the
    // project's default merge method, sent to Gitea as Do "squash" with the task's title).
    const bare = join(root, 'remote', 'shop.git');
    const parents = execFileSync('git', ['--git-dir', bare, 'rev-list', '--parents', '-n', '1', 'main'], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    expect(parents).toHaveLength(2);
    expect(
      execFileSync('git', ['--git-dir', bare, 'log', '-1', '--format=%s', 'main'], { encoding: 'utf8' }).trim(),
    ).toBe('SHOP-1: Add wishlist count to the cart');
    expect(execFileSync('git', ['--git-dir', bare, 'show', 'main:cart.js'], { encoding: 'utf8' })).toContain(
      'if (items == null) return 0;',
    );
  });
});
