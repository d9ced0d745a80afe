import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';

const root = mkdtempSync(join(tmpdir(), 'conveyor-demo-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('offline demo', () => {
  it('delivers the task through a review rollback that carries the must-fix text', async () => {
    let output = '';
    const result = await runDemo({ root, timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH } });
    expect(result.ok, output).toBe(true);

    // The chat as its members saw it: /new, one card edited in place, the approval decided by a press.
    expect(output).toContain('Alice presses ✅ Approve');
    expect(result.transcript).toContain('📝 BRD approved — SHOP-1'); // the decided message says what happened
    expect(result.transcript).toContain('✅ Approved by Alice');
    expect(result.transcript).toContain('📦 Delivered');
    expect(result.transcript.match(/🧩 SHOP-1 · Add wishlist count/g)).toHaveLength(1); // one card, edited in place
    expect(result.transcript).not.toMatch(/\[✅ Approve\]/); // the decided approval lost its buttons
    // The rollback and the must-fix text the second developer run received, in the chat itself:
    // the delivered card keeps them.
    expect(output).toContain('- P1: cart.js wishlistCount(null) throws a TypeError');
    expect(result.transcript).toContain('🔁 rollbacks 1/3 · last must fix: P1: cart.js wishlistCount(null) throws a TypeError');
    // Without an engine: one line says staging and deploy are skipped and why; delivered by merge.
    expect(output.split('\n')[0]).toMatch(/^staging and deploy skipped: .+; the task is delivered by merge$/);
    expect(result.transcript).toContain('📦 Delivered · merged into the default branch');
    // The sha on the card is what the bare repository's main points at after the merge.
    const main = execFileSync('git', ['--git-dir', result.remote, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    expect(result.transcript).toMatch(new RegExp(`^│ last: merged ${main.slice(0, 7)} · `, 'm'));

    // The store tells the same story.
    const taskId = result.taskId;
    if (!taskId) throw new Error('the demo made no task');
    const store = openStore(result.dbPath);
    const log = await transitionsOf(store.db, taskId);
    store.close();
    const rollback = log.find((t) => t.fromStage === 'review' && t.toStage === 'development');
    expect(rollback?.reason).toMatch(/REQUEST_CHANGES/);
    expect(log.at(-1)).toMatchObject({ toStage: 'done' });

    // The second developer run saw the reviewer's finding verbatim in its task file.
    const runs = join(root, 'work', 'runs', taskId);
    const second = readdirSync(runs).find((f) => f.startsWith('developer-2'));
    expect(second).toBeDefined();
    expect(readFileSync(join(runs, second!), 'utf8')).toContain('- P1: cart.js wishlistCount(null) throws a TypeError; return 0 for null or undefined items.');

    // The fix reached the remote default branch.
    const cart = execFileSync('git', ['show', 'main:cart.js'], { cwd: join(root, 'remote', 'shop.git'), encoding: 'utf8' });
    expect(cart).toContain('if (items == null) return 0;');
  });
});
