/**
 * Fault (issue 8 §4, §7; reliability scenario 2): a real `conveyor start` is SIGKILLed right after
 * a side effect and before the commit that records it (ORCH_TEST_CRASH_AFTER), then started
 * again on the same database. For each effect kind the replay is idempotent or harmless:
 * push — no second commit; PR — the open one reused; tracker comment — keyed by its external id,
 * not repeated; card — edited again, not posted again; approval message — posted twice (Telegram
 * has no idempotency key) but harmless: a press on the stray copy decides once, both copies lose
 * their buttons, and the log says a duplicate may exist. Stand-ins: the Bot API sandbox, Gitea
 * and Plane; real processes, SQLite file and git repository.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CHAT, PLANE_PROJECT } from '../../app/demo/demo-world.ts';
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import type { CrashEffect } from '../../core/fault/crash-point.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { isApprovalOf } from '../support/approval-message.ts';
import { ALICE, startCrashWorld, type CrashWorld, type RunningConveyor } from '../support/start-crash-world.ts';

const TASK = 'SHOP-1';
let w: CrashWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const botMessages = async (world: CrashWorld): Promise<SandboxMessage[]> =>
  ((await world.world.telegram.chat(CHAT.id))?.messages ?? []).filter((m) => m.from.is_bot && !m.deleted);
const approvalCopies = async (world: CrashWorld) => (await botMessages(world)).filter((m) => isApprovalOf(m, TASK));
const cardMessages = async (world: CrashWorld) => (await botMessages(world)).filter((m) => m.plain.startsWith(`🧩 ${TASK} ·`));

async function press(world: CrashWorld, message: SandboxMessage, label: string) {
  const data = message.buttons.flat().find((b) => b.text.includes(label))?.callback_data;
  if (!data) throw new Error(`message ${message.messageId} has no ${label} button`);
  return world.world.telegram.press({ chatId: CHAT.id, messageId: message.messageId, from: ALICE, data });
}

/** Start with the crash armed, ask for the task, run `drive` until the process died by SIGKILL. */
async function crashAfter(world: CrashWorld, effect: CrashEffect, drive: (c: RunningConveyor) => Promise<void> = async () => undefined): Promise<RunningConveyor> {
  const first = await world.start(effect);
  await world.world.telegram.postMessage({ chatId: CHAT.id, chatType: 'supergroup', from: ALICE, text: '/new SHOP Survive the crash' });
  await drive(first);
  const exited = await Promise.race([first.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 90_000))]);
  expect(exited, first.output()).toEqual({ code: null, signal: 'SIGKILL' });
  return first;
}

const task = (world: CrashWorld) => world.query<{ stage: string; phase: string; branch: string; pr_number: number | null; head_sha: string | null }>('SELECT * FROM tasks WHERE id = ?', TASK)[0];

async function approveWhenAsked(world: CrashWorld): Promise<void> {
  const [copy] = await waitForValue(async () => (await approvalCopies(world)).filter((m) => m.buttons.length > 0), (v) => v.length > 0, 'the approval message');
  await press(world, copy!, 'Approve');
}

async function waitForValue<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  let value = await probe();
  await waitFor(async () => ok((value = await probe())), timeoutMs, () => `${what}: ${JSON.stringify(value)}`);
  return value;
}

// Longer than crashAfter's 90 s wait, so a run that never reaches its crash point fails with the child's output.
describe('crash between a side effect and its commit', { timeout: 150_000 }, () => {
  it('push: the replayed job pushes nothing new', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'push');
    const branch = task(world)?.branch ?? '';
    const log = () => execFileSync('git', ['-C', world.remote.remote, 'log', '--format=%H %s', branch], { encoding: 'utf8' }).trim().split('\n');
    const before = log();
    expect(before.filter((l) => l.endsWith(`${TASK} analyst: attempt 1`))).toHaveLength(1);

    const second = await world.start(null);
    await waitForValue(() => task(world)?.phase, (p) => p === 'awaiting-approval', `the task after the restart\n${second.output()}`);
    const after = log();
    const duplicates = after.filter((l) => l.endsWith(`${TASK} analyst: attempt 1`)).length - 1;
    console.log(`[figure] crash after push: analyst commits on ${branch}: ${after.length - before.length} new, duplicates: ${duplicates}`);
    expect(after).toEqual(before);
    expect(task(world)?.head_sha).toBe(before[0]?.split(' ')[0]);
  });

  it('card: the replay edits the card again and posts no second one', async () => {
    // The first card waits for the chat's send slot and shows the state of then: had the analyst
    // finished meanwhile, it would already ask for the approval and never be edited. Held until the
    // card is posted, the analyst's end edits it.
    w = await startCrashWorld({ holdAnalyst: true });
    const world = w;
    await crashAfter(world, 'card', async () => {
      await waitForValue(async () => (await cardMessages(world)).length, (n) => n > 0, 'the first card');
      world.releaseAnalyst();
    });
    const cards = await cardMessages(world);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card.edits.length).toBeGreaterThan(0);
    expect(card.plain).toContain('approval');
    const seenAtCrash = Math.max(0, ...(await world.world.telegram.requests()).map((r) => r.seq));

    const second = await world.start(null);
    await waitForValue(async () => (await approvalCopies(world)).length, (n) => n === 1, `the approval after the restart\n${second.output()}`);
    await waitForValue(() => world.query<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'card' AND state = 'pending'`)[0]?.n, (n) => n === 0, `the card rows delivered\n${second.output()}`);
    const replayedEdits = (await world.world.telegram.requests()).filter((r) => r.seq > seenAtCrash && r.method === 'editMessageText' && r.messageId === card.messageId);
    const after = await cardMessages(world);
    console.log(`[figure] crash after card edit: edits of the card replayed ${replayedEdits.length}, card messages ${after.length}, duplicates: ${after.length - 1}`);
    expect(replayedEdits.length).toBeGreaterThan(0);
    expect(after.map((m) => m.messageId)).toEqual([card.messageId]);
    expect(world.query<{ message_id: number }>('SELECT message_id FROM cards WHERE task_id = ?', TASK)[0]?.message_id).toBe(card.messageId);
    expect(after[0]?.plain).toContain('approval');
  });

  it('card, first post: the unrecorded card cannot be found again, so one stale silent copy stays, and the log says so', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'card-post');
    const atCrash = await cardMessages(world);
    expect(atCrash).toHaveLength(1);

    const second = await world.start(null);
    await waitForValue(async () => (await approvalCopies(world)).length, (n) => n === 1, `the approval after the restart\n${second.output()}`);
    await waitFor(() => second.output().includes(`a duplicate card message may exist for ${TASK}`), 10_000, () => second.output());
    // The card is posted again once the chat's send slot comes, after the approval message.
    await waitForValue(() => world.query<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'card' AND state = 'pending'`)[0]?.n, (n) => n === 0, `the card rows delivered\n${second.output()}`);
    const after = await cardMessages(world);
    const live = world.query<{ message_id: number }>('SELECT message_id FROM cards WHERE task_id = ?', TASK)[0]?.message_id;
    console.log(`[figure] crash after a card's first post: card messages ${after.length}, stale copies ${after.length - 1} (silent, no buttons), logged`);
    expect(after).toHaveLength(2);
    expect(live).toBe(after[1]?.messageId);
    expect(after[0]?.silent).toBe(true);
    expect(after[0]?.buttons).toEqual([]);
  });

  it('approval message: a duplicate is harmless — the stray copy decides once and both lose their buttons', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'approval-message');
    const atCrash = await approvalCopies(world);
    expect(atCrash).toHaveLength(1);
    expect(world.query<{ message_id: number | null }>('SELECT message_id FROM approvals')[0]?.message_id).toBeNull();

    const second = await world.start(null);
    const copies = await waitForValue(() => approvalCopies(world), (c) => c.length === 2, `the second copy\n${second.output()}`);
    await waitFor(() => second.output().includes(`a duplicate approval message may exist for ${TASK}`), 10_000, () => second.output());
    const stray = copies[0]!;
    expect(stray.messageId).toBe(atCrash[0]?.messageId);
    const pressed = await press(world, stray, 'Approve');
    expect(pressed.answered).toBe(true);
    await waitForValue(() => task(world)?.stage, (s) => s !== 'analysis', 'the approval to take effect');
    const withButtons = await waitForValue(async () => (await approvalCopies(world)).filter((m) => m.buttons.length > 0).length, (n) => n === 0, 'both copies without buttons');
    const decisions = world.query<{ n: number }>(`SELECT COUNT(*) AS n FROM transitions WHERE event_key LIKE 'approval:%'`)[0]?.n;
    const final = await approvalCopies(world);
    console.log(`[figure] crash after approval message: copies ${final.length}, decisions ${decisions}, copies with live buttons ${withButtons}`);
    expect(decisions).toBe(1);
    expect(world.query<{ state: string }>('SELECT state FROM approvals')).toEqual([{ state: 'approved' }]);
    for (const copy of final) expect(copy.plain).toMatch(/Approved/i);
  });

  it('approval message: pressed after the decision, a stray copy answers who decided and loses its buttons', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'approval-message');
    const second = await world.start(null);
    const [stray, recorded] = await waitForValue(() => approvalCopies(world), (c) => c.length === 2, `the second copy\n${second.output()}`);
    // Telegram shows the copy a moment before Conveyor records its id.
    const recordedId = await waitForValue(() => world.query<{ message_id: number | null }>('SELECT message_id FROM approvals')[0]?.message_id ?? null, (id) => id !== null, 'the second copy recorded');
    expect(recordedId).toBe(recorded?.messageId);
    await press(world, recorded!, 'Approve');
    await waitForValue(async () => (await approvalCopies(world)).find((m) => m.messageId === recorded?.messageId)?.buttons.length, (n) => n === 0, 'the recorded copy decided');
    // The stray copy is unknown to Conveyor until someone presses it.
    expect((await approvalCopies(world)).find((m) => m.messageId === stray?.messageId)?.buttons.length).toBeGreaterThan(0);
    const answer = await press(world, stray!, 'Approve');
    expect(answer.text).toMatch(/already approved by Alice/i);
    const strayNow = await waitForValue(async () => (await approvalCopies(world)).find((m) => m.messageId === stray?.messageId), (m) => m?.buttons.length === 0, 'the stray copy without buttons');
    const decisions = world.query<{ n: number }>(`SELECT COUNT(*) AS n FROM transitions WHERE event_key LIKE 'approval:%'`)[0]?.n;
    console.log(`[figure] stray approval copy pressed after the decision: decisions ${decisions}, its buttons ${strayNow?.buttons.length}`);
    expect(decisions).toBe(1);
    expect(strayNow?.plain).toMatch(/Approved/i);
  });

  it('tracker comment: keyed by its external id, the replay posts no second comment', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'tracker-comment', () => approveWhenAsked(world));
    const brdComments = () => world.world.plane.state.comments.filter((c) => c.projectId === PLANE_PROJECT && (c.externalId ?? '').startsWith('conveyor-brd-'));
    expect(brdComments()).toHaveLength(1);

    const second = await world.start(null);
    await waitForValue(() => world.query<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'tracker' AND state IN ('queued', 'running')`)[0]?.n, (n) => n === 0, `the tracker jobs after the restart\n${second.output()}`);
    const comments = brdComments();
    const replayed = world.query<{ attempts: number }>(`SELECT attempts FROM jobs WHERE kind = 'tracker' AND payload LIKE '%conveyor-brd-%'`);
    console.log(`[figure] crash after tracker comment: comment job runs ${replayed[0]?.attempts}, comments ${comments.length}, duplicates: ${comments.length - 1}`);
    expect(replayed).toEqual([{ attempts: 2 }]);
    expect(comments).toHaveLength(1);
  });

  it('PR: the replay finds the open pull request and opens no second one', async () => {
    w = await startCrashWorld();
    const world = w;
    await crashAfter(world, 'pr', () => approveWhenAsked(world));
    const pulls = () => world.world.gitea.standin.state.pullRequests('demo/shop');
    expect(pulls()).toHaveLength(1);
    expect(task(world)?.pr_number).toBeNull();

    const second = await world.start(null);
    await waitForValue(() => task(world)?.pr_number ?? null, (n) => n !== null, `the PR number recorded after the restart\n${second.output()}`);
    console.log(`[figure] crash after PR: pull requests ${pulls().length}, duplicates: ${pulls().length - 1}`);
    expect(pulls()).toHaveLength(1);
    expect(task(world)?.pr_number).toBe(pulls()[0]?.number);
  });
});
