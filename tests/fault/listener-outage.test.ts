/**
 * Fault (issue 8 §7; reliability scenario 4): a real `conveyor start` is stopped — the process is
 * gone — while the forge and the tracker send events: Gitea's CI turns a task's head green, a
 * teammate approves a BRD by moving its Plane issue to "Approved", and files a new issue. Each
 * stand-in sends its webhook once, as the real ones do (Plane never retries, Gitea gives up), so
 * every delivery fails. Conveyor is started again with the reconciler on: every task reaches the
 * state the lost events would have caused, and the unblocks are counted in the /queue stats.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT, PLANE_PROJECT } from '../../app/demo/demo-world.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { ALICE, startCrashWorld, type CrashWorld } from '../support/start-crash-world.ts';

let w: CrashWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

// CI holds until the test drops `release-ci` in HOME, so its verdict is sent while Conveyor is down.
const HELD_CI = `const fs = require('fs');
const file = require('path').join(process.env.HOME, 'release-ci');
const t = setInterval(() => { if (fs.existsSync(file)) clearInterval(t); }, 100);
`;

interface TaskRow { id: string; stage: string; phase: string; external_id: string | null }

describe('listener outage', { timeout: 240_000 }, () => {
  it('events sent while the process is gone are recovered by the reconciler: missed 0, counted', async () => {
    w = await startCrashWorld({ mainFiles: { 'test.js': HELD_CI }, connect: true });
    const world = w;
    const { plane, gitea, telegram } = world.world;
    const tasks = () => world.query<TaskRow>('SELECT id, stage, phase, external_id FROM tasks ORDER BY id');
    const taskOf = (id: string) => tasks().find((t) => t.id === id);
    const wait = (ok: () => boolean, what: string, output: () => string) => waitFor(ok, 90_000, () => `${what}: ${JSON.stringify(tasks())}\n${output()}`);

    const first = await world.start(null);
    const ci = plane.state.createWorkItem(PLANE_PROJECT, { name: 'Green while down' });
    const approval = plane.state.createWorkItem(PLANE_PROJECT, { name: 'Approved while down' });
    const ciTask = `SHOP-${ci.sequenceId}`;
    const approvalTask = `SHOP-${approval.sequenceId}`;
    await wait(() => taskOf(ciTask)?.phase === 'awaiting-approval' && taskOf(approvalTask)?.phase === 'awaiting-approval', 'both BRDs awaiting approval', () => first.output());

    // The first task is approved in chat and developed; its CI starts and holds.
    await wait(() => world.query('SELECT id FROM approvals WHERE task_id = ? AND message_id IS NOT NULL', ciTask).length > 0, 'the approval message', () => first.output());
    const messageId = world.query<{ message_id: number }>('SELECT message_id FROM approvals WHERE task_id = ?', ciTask)[0]!.message_id;
    const message = (await telegram.chat(CHAT.id))?.messages.find((m) => m.messageId === messageId);
    const data = message?.buttons.flat().find((b) => b.text.includes('Approve'))?.callback_data;
    expect(data, 'the Approve button').toBeTruthy();
    await telegram.press({ chatId: CHAT.id, messageId, from: ALICE, data: data! });
    await wait(() => taskOf(ciTask)?.phase === 'awaiting-ci', 'the first task awaiting CI', () => first.output());

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    // While the process is gone: CI goes green, the BRD is approved in Plane, a new issue is filed.
    const problemsBefore = gitea.problems.length;
    const planeBefore = plane.deliveries.length;
    writeFileSync(join(world.dir, 'release-ci'), '');
    plane.state.addState(PLANE_PROJECT, { name: 'Approved', group: 'started' });
    plane.state.moveWorkItem(approval.id, 'Approved');
    const filed = plane.state.createWorkItem(PLANE_PROJECT, { name: 'Filed while down' });
    const filedTask = `SHOP-${filed.sequenceId}`;
    await gitea.settle();
    await plane.webhooksIdle();
    const giteaLost = gitea.problems.slice(problemsBefore).filter((p) => p.startsWith('status success'));
    const planeLost = plane.deliveries.slice(planeBefore).filter((d) => d.status === 0);
    const sentWhileDown = giteaLost.length + planeLost.length;
    // Every held CI run (the BRD pushes too) reports while Conveyor is down; the one that matters is the head's.
    const head = world.query<{ head_sha: string }>('SELECT head_sha FROM tasks WHERE id = ?', ciTask)[0]!.head_sha;
    expect(giteaLost.some((p) => p.startsWith(`status success on ${head.slice(0, 7)}`)), gitea.problems.join('\n')).toBe(true);
    expect(planeLost).toHaveLength(2);
    expect(plane.deliveries.slice(planeBefore)).toHaveLength(2);

    const second = await world.start(null, { ORCH_RECONCILE_ENABLED: 'true', ORCH_RECONCILE_INTERVAL_S: '1', ORCH_RECONCILE_GRACE_S: '0' });
    const recovered = {
      ci: () => !['awaiting-ci', 'developing'].includes(taskOf(ciTask)?.phase ?? '') && taskOf(ciTask)?.stage !== 'analysis',
      approval: () => taskOf(approvalTask)?.stage !== undefined && taskOf(approvalTask)?.stage !== 'analysis',
      filed: () => taskOf(filedTask)?.external_id === filed.id,
    };
    await wait(() => Object.values(recovered).every((ok) => ok()), 'every task recovered', () => second.output());
    const missed = Object.values(recovered).filter((ok) => !ok()).length;
    const stats = JSON.parse(world.query<{ value: string }>(`SELECT value FROM kv WHERE key = 'reconciler:stats'`)[0]?.value ?? '{}') as { unblockedTotal?: number };
    const unblocks = stats.unblockedTotal ?? 0;
    const byReconciler = world.query<{ task_id: string; reason: string }>(`SELECT task_id, reason FROM transitions WHERE event_key LIKE 'reconciler:%' ORDER BY id`);
    console.log(`[figure] listener outage: events sent while down ${sentWhileDown}, missed ${missed}, reconciler unblocks ${unblocks}`);
    // Canary secrets: the demo credentials never show in either process's output, the chat or the tracker.
    const chat = JSON.stringify((await telegram.chat(CHAT.id))?.messages ?? []);
    const surfaces = { logs: first.output() + second.output(), chat, tracker: JSON.stringify(plane.state.comments) };
    const leaks = Object.entries(surfaces).flatMap(([where, text]) => world.world.secrets.filter((secret) => text.includes(secret)).map(() => where));
    console.log(`[figure] canary secrets (${world.world.secrets.length}) through an outage, refused deliveries and a restart: found ${leaks.length} (${['logs', 'chat', 'tracker'].join(', ')} checked)`);
    expect(leaks).toEqual([]);
    expect(missed).toBe(0);
    expect(unblocks).toBeGreaterThanOrEqual(3);
    // Nothing was redelivered: each recovery is the reconciler's transition, not an inbox event's.
    expect(new Set(byReconciler.map((t) => t.task_id)), JSON.stringify(byReconciler)).toEqual(new Set([ciTask, approvalTask, filedTask]));
  });
});
