import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { runDemo, type DemoOptions } from '../../app/demo/run-demo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { describeEachDatabase, type TestDatabase } from '../support/test-databases.ts';
import { spawnWorker, type WorkerChild } from '../support/worker-process.ts';

/** A fresh folder (and database) per run. */
async function demoRun(db: TestDatabase, options: (root: string) => Partial<DemoOptions> = () => ({})) {
  const root = mkdtempSync(join(tmpdir(), 'conveyor-demo-test-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const url = await db.fresh();
  let output = '';
  const result = await runDemo({ root, timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH }, ...(url ? { databaseUrl: url } : {}), ...options(root) });
  return { root, url, result, output };
}

describeEachDatabase('offline demo', (db) => {
  it('delivers the task through a review rollback that carries the must-fix text', async () => {
    const { root, url, result, output } = await demoRun(db);
    expect(result.ok, output).toBe(true);
    if (url) expect(output).toMatch(/database: {5}postgres:\/\/postgres@127\.0\.0\.1:\d+\/conveyor_\d+\n/);

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
    const store = await db.open(result.dbPath, url);
    const log = await transitionsOf(store.db, taskId);
    await store.close();
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

  it.runIf(db.label === 'PostgreSQL')('runs every job on separate conveyor workers, each with its own workdir', async () => {
    const workers: WorkerChild[] = [];
    const { root, result, output } = await demoRun(db, (root) => ({
      workerKinds: 'none',
      // One worker runs the agents, the other everything else (merge, tracker, forge…): a job of the
      // task's second worker finds no worktree there and rebuilds it from the pushed task branch.
      workers: async ({ env }) => {
        for (const [name, kinds] of [['agents', 'agent'], ['rest', 'ci,merge,cleanup,tracker,forge,staging,deploy,rollback']] as const)
          workers.push(await spawnWorker({ ...env, HOME: root, ORCH_WORKDIR: join(root, `worker-${name}`), ORCH_WORKER_KINDS: kinds }));
        return async () => {
          for (const w of workers) w.child.kill('SIGTERM');
          for (const w of workers) expect((await w.exited).code, w.output()).toBe(0);
        };
      },
    }));
    expect(result.ok, `${output}\n${workers.map((w) => w.output()).join('\n')}`).toBe(true);
    const taskId = result.taskId!;
    // The demo's own process claimed nothing: every agent run is in the agents worker's workdir.
    expect(existsSync(join(root, 'work', 'runs', taskId))).toBe(false);
    const runs = readdirSync(join(root, 'worker-agents', 'runs', taskId));
    for (const role of ['analyst', 'developer-1', 'reviewer', 'developer-2', 'tester']) expect(runs.some((f) => f.startsWith(role)), `${role} in ${runs.join(', ')}`).toBe(true);
    // The other worker merged, in a worktree it rebuilt from the pushed task branch.
    const rest = workers[1]!.output();
    expect(rest).toMatch(/"kind":"merge","task":"SHOP-1","attempt":1,"stale":false,"msg":"job succeeded"/);
    expect(rest).toMatch(/"taskId":"SHOP-1","from":"remote task branch","msg":"worktree created"/);
    const cart = execFileSync('git', ['show', 'main:cart.js'], { cwd: join(root, 'remote', 'shop.git'), encoding: 'utf8' });
    expect(cart).toContain('if (items == null) return 0;');
  });
});
