/**
 * The production approval in the chat (design §10, ADR 0032), over the Telegram sandbox: after a
 * fresh staging SUCCESS the chat gets one notifying message with the staging verdict, the image and
 * `[✅ Deploy] [❌ Reject]`. Someone who is not a deploy approver gets an alert, the requester too
 * under four-eyes, and nothing changes; Reject asks for a reason and sends the task back to
 * development with it, the message losing its buttons.
 */
import { afterEach, expect, it } from 'vitest';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { ALICE, BOB, MALLORY, pressButton, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const SHA = 'a'.repeat(40);
const IMAGE_ID = `sha256:${'b'.repeat(64)}`;

it('asks the deploy approvers, refuses others and the requester with an alert, and a reject goes back to development', async () => {
  h = await startBotHarness({
    project: {
      stages: ['analysis', 'development', 'deploy-staging', 'deploy'],
      staging: { health: { command: 'true' } },
      deploy: { image: 'registry.example/shop', hook: 'exit 0', health: { command: 'true' }, fourEyes: true },
    },
  });
  const harness = h;
  await harness.start();
  await harness.say(ALICE, '/new SHOP Add wishlist button');
  await harness.waitFor(async () => await harness.task('SHOP-1'), 'the task');
  // Bring the task to a green staging run directly (the staging run itself is tested elsewhere).
  const { sqlite } = harness.app.store;
  sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = 'SHOP-1' AND state IN ('queued', 'running')`).run();
  sqlite.prepare(`UPDATE tasks SET stage = 'deploy-staging', phase = 'working', head_sha = ? WHERE id = 'SHOP-1'`).run(SHA);
  const staged = await harness.app.engine.handle({
    type: 'StagingFinished',
    key: 'staging:SHOP-1',
    taskId: 'SHOP-1',
    jobId: 0,
    facts: { verdict: 'SUCCESS', imageId: IMAGE_ID, imageRef: `conveyor/shop:${SHA}`, revision: SHA, waived: ['C9a'], reason: null, mustFix: null, headSha: SHA, changedSinceRevision: [] },
  });
  expect(staged.type).toBe('applied');
  const message = await harness.waitFor(
    async () => (await harness.messages()).find((m) => m.from.is_bot && m.plain.startsWith('🚀 Ready for production — SHOP-1')),
    'the production approval message',
  );
  expect(message.silent).toBe(false);
  expect(message.plain).toContain('waived: C9a');
  expect(message.plain).toContain(`registry.example/shop:${SHA}`);
  expect(message.buttons.flat().map((b) => b.text)).toEqual(['✅ Deploy', '❌ Reject']);
  const approval = (await pendingApproval(harness.app.store.db, 'SHOP-1', 'deploy'))!;
  const before = (await transitionsOf(harness.app.store.db, 'SHOP-1')).length;

  expect(await pressButton(harness, MALLORY, message.messageId, 'Deploy')).toMatchObject({
    show_alert: true,
    text: "Only SHOP's deploy approvers can decide a production deploy.",
  });
  // Alice requested SHOP-1 (/new): four-eyes refuses her.
  expect(await pressButton(harness, ALICE, message.messageId, 'Deploy')).toMatchObject({
    show_alert: true,
    text: 'Four-eyes: you requested SHOP-1, so someone else must approve its deploy.',
  });
  expect(await harness.task('SHOP-1')).toMatchObject({ stage: 'deploy', phase: 'awaiting-approval', requestedBy: 'telegram:111' });
  expect((await transitionsOf(harness.app.store.db, 'SHOP-1')).length).toBe(before);
  expect((await pendingApproval(harness.app.store.db, 'SHOP-1', 'deploy'))?.id).toBe(approval.id);

  await pressButton(harness, BOB, message.messageId, 'Reject');
  await harness.waitFor(async () => (await harness.messages()).find((m) => m.from.is_bot && m.plain.includes('why is the deploy of SHOP-1 rejected')), 'the reason prompt');
  await harness.say(BOB, 'Not during the sale');
  await harness.waitFor(async () => (await harness.task('SHOP-1'))?.stage === 'development', 'the rollback to development');
  expect((await harness.task('SHOP-1'))?.mustFix).toContain('Not during the sale');
  await harness.waitFor(
    async () => (await harness.messages()).find((m) => m.messageId === message.messageId && m.buttons.length === 0 && m.plain.includes('Bob')),
    'the decision on the message, without buttons',
  );
});
