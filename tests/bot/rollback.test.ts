/**
 * The one-tap roll-back (design §10, ADR 0034) over the Telegram sandbox, with the real parts: the
 * running Conveyor (SQLite file, worker pools, outbox), the real hook runner (a shell script that
 * writes what it received to a file) and the real Docker engine (`:current` is retagged). Delivered
 * tasks and their image history are put in the store directly (the deploy itself is tested in
 * tests/engine/deploy-stage.test.ts); everything from the card's button on is the real path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import type { SandboxMessage } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { utcTime } from '../../bot/render/rollback-labels.ts';
import { currentProductionImage, deployImageHistory, recordDeployImage } from '../../core/store/deploy-image-repo.ts';
import { addOutbox } from '../../core/store/outbox-repo.ts';
import { advanceRollback, claimRollback, rollbackOf } from '../../core/store/rollback-repo.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { ALICE, BOB, CHAT_ID, MALLORY, pressButton, startBotHarness, type BotHarness } from '../support/bot-harness.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { describeDocker } from '../support/describe-docker.ts';

const LABEL = 'conveyor.test.rollback';
const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40), c: 'c'.repeat(40) } as const;

describeDocker('the one-tap roll-back (Telegram sandbox, real hook processes, real Docker engine)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('rollback');
  const prodRepo = `conveyor-test-rollback-${run}`;
  const ids: Record<keyof typeof SHA, string> = { a: '', b: '', c: '' };
  let h: BotHarness | null = null;
  let scratch = '';

  beforeAll(async () => {
    // Three distinct images (the label makes the ids differ), as three production deploys.
    for (const key of ['a', 'b', 'c'] as const)
      ids[key] = await buildBusyboxImage(docker, `${prodRepo}:${SHA[key]}`, { [LABEL]: run, 'conveyor.test.version': key });
  }, 180_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);
  afterEach(async () => {
    await h?.close();
    h = null;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Conveyor with two done tasks (SHOP-1, SHOP-2) and a hook that logs its environment and exits with `code`. */
  async function world(code: number, health = 'true', deploy: Record<string, unknown> = {}) {
    scratch = mkdtempSync(join(tmpdir(), 'conveyor-rollback-hook-'));
    const calls = join(scratch, 'calls');
    const hook = join(scratch, 'hook.sh');
    writeFileSync(hook, `echo "SOURCE_IMAGE=$SOURCE_IMAGE TARGET_IMAGE=$TARGET_IMAGE PREVIOUS_IMAGE=$PREVIOUS_IMAGE EXPECTED_REVISION=$EXPECTED_REVISION ORCH_TASK_ID=$ORCH_TASK_ID" >> ${calls}\necho "hook ran with exit ${code}"\nexit ${code}\n`);
    h = await startBotHarness({
      dockerHost,
      project: {
        stages: ['analysis', 'development', 'deploy-staging', 'deploy'],
        staging: { health: { command: 'true' } },
        deploy: { image: prodRepo, hook: `sh ${hook}`, health: { command: health, successes: 1, timeoutS: 3 }, ...deploy },
      },
    });
    const harness = h;
    await harness.start();
    await harness.say(ALICE, '/new SHOP Add wishlist button');
    await harness.say(ALICE, '/new SHOP Add gift cards');
    await harness.waitFor(async () => await harness.task('SHOP-2'), 'the tasks');
    const { sqlite } = harness.app.store;
    sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE state IN ('queued', 'running')`).run();
    sqlite.prepare(`UPDATE tasks SET stage = 'done', phase = 'idle'`).run();
    const deployed = async (key: keyof typeof SHA, taskId: string) =>
      await harness.app.store.transaction(async (tx) =>
        await recordDeployImage(tx, { projectId: 'SHOP', imageId: ids[key], ref: `${prodRepo}:${SHA[key]}`, sha: SHA[key], taskId, deployedAt: Date.now(), outcome: 'deployed' }),
      );
    const render = async (taskId: string) => {
      await harness.app.store.transaction(async (tx) => await addOutbox(tx, 'card', taskId, {}, Date.now()));
      harness.app.drain.wake();
    };
    const hookCalls = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);
    const rollbackJobs = () => (sqlite.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'rollback'`).get() as { n: number }).n;
    /** The task's live card once its buttons are `labels`. */
    const cardWith = (taskId: string, labels: string[]) =>
      harness.waitFor(async () => {
        const card = await harness.liveCard(taskId);
        return card && JSON.stringify(card.buttons.flat().map((b) => b.text)) === JSON.stringify(labels) ? card : null;
      }, `${taskId}'s card with buttons ${JSON.stringify(labels)}`);
    const prompts = async () => (await harness.messages()).filter((m) => m.from.is_bot && m.plain.startsWith('↩️ Roll back production to the image before'));
    const bot = async (start: string) => (await harness.messages()).filter((m) => m.from.is_bot && m.plain.startsWith(start));
    return { harness, deployed, render, hookCalls, rollbackJobs, cardWith, prompts, bot };
  }

  it('offers ↩️ Roll back only on the latest delivered card, refuses non-approvers, rolls back once and names who did it to a second press', async () => {
    const w = await world(0);
    const { harness } = w;
    // SHOP-1 delivered image b after an earlier image a: its card offers the roll-back.
    await w.deployed('a', 'SHOP-0');
    await w.deployed('b', 'SHOP-1');
    await w.render('SHOP-1');
    await w.cardWith('SHOP-1', ['↩️ Roll back']);
    // SHOP-2 delivers image c: the older card loses the button on its next render, the new one has it.
    await w.deployed('c', 'SHOP-2');
    await w.render('SHOP-1');
    await w.render('SHOP-2');
    await w.cardWith('SHOP-1', []);
    const card = await w.cardWith('SHOP-2', ['↩️ Roll back']);

    expect(await pressButton(harness, MALLORY, card.messageId, 'Roll back')).toMatchObject({ show_alert: true, text: "Only SHOP's deploy approvers can roll production back." });
    // Bob and Alice both open a confirmation before anyone confirms.
    expect(await pressButton(harness, BOB, card.messageId, 'Roll back')).toMatchObject({ text: 'Confirm the roll-back in the message below.' });
    expect((await pressButton(harness, ALICE, card.messageId, 'Roll back')).show_alert).toBeFalsy();
    const [bobs, alices] = await harness.waitFor(async () => ((await w.prompts()).length === 2 ? w.prompts() : null), 'two confirmation prompts');
    expect(bobs!.plain).toContain(`Now: ${prodRepo}:${SHA.c}`);
    expect(bobs!.plain).toContain(`Back to: ${prodRepo}:${SHA.b}`);
    expect(bobs!.buttons.flat().map((b) => b.text)).toEqual(['Confirm roll back', 'Cancel']);
    expect(w.rollbackJobs()).toBe(0);

    await pressButton(harness, BOB, bobs!.messageId, 'Confirm roll back');
    const outcome: SandboxMessage = await harness.waitFor(async () => (await w.bot('↩️ Rolled back SHOP-2'))[0], 'the roll-back outcome message', 60_000);
    expect(outcome.silent).toBe(false);
    expect(outcome.plain).toContain(`production runs ${prodRepo}:${SHA.b} again`);
    expect(w.hookCalls()).toEqual([
      `SOURCE_IMAGE=${prodRepo}:${SHA.b} TARGET_IMAGE=${prodRepo}:${SHA.b} PREVIOUS_IMAGE=${prodRepo}:${SHA.c} EXPECTED_REVISION=${SHA.b} ORCH_TASK_ID=SHOP-2`,
    ]);
    // Who and when in the transition log; the history says production is back on b; `:current` is b.
    const asked = (await transitionsOf(harness.app.store.db, 'SHOP-2')).find((t) => t.reason.includes('confirmed by Bob'));
    expect(asked).toMatchObject({ actor: 'telegram:222:Bob', toStage: 'done' });
    expect((await transitionsOf(harness.app.store.db, 'SHOP-2')).at(-1)?.reason).toContain('roll-back rolled-back');
    expect((await deployImageHistory(harness.app.store.db, 'SHOP'))[0]).toMatchObject({ outcome: 'rolled-back', imageId: ids.b, ref: `${prodRepo}:${SHA.b}` });
    expect((await currentProductionImage(harness.app.store.db, 'SHOP'))?.imageId).toBe(ids.b);
    expect((await docker.inspectImage(`${prodRepo}:current`))?.id).toBe(ids.b);
    const done = await w.cardWith('SHOP-2', []);
    await harness.waitFor(async () => (await harness.liveCard('SHOP-2'))?.plain.includes(`↩️ Rolled back to ${prodRepo}:${SHA.b} by Bob`), 'the outcome on the card');
    expect(done.messageId).toBe(card.messageId);

    // Alice confirms her prompt afterwards: told who did it and when; no second job, no second hook run.
    const first = (await rollbackOf(harness.app.store.db, 'SHOP-2'))!;
    expect(await pressButton(harness, ALICE, alices!.messageId, 'Confirm roll back')).toMatchObject({
      show_alert: true,
      text: `Bob already rolled this deploy back at ${utcTime(first.at)}.`,
    });
    expect(w.rollbackJobs()).toBe(1);
    expect(w.hookCalls()).toHaveLength(1);
    expect((await deployImageHistory(harness.app.store.db, 'SHOP')).filter((r) => r.outcome === 'rolled-back')).toHaveLength(1);
    expect((await harness.messages(CHAT_ID)).filter((m) => m.from.is_bot && m.plain.startsWith('↩️ Rolled back SHOP-2'))).toHaveLength(1);
  }, 120_000);

  it('a hook that exits 1 is said as it is: production and its history unchanged', async () => {
    const w = await world(1);
    const { harness } = w;
    await w.deployed('a', 'SHOP-1');
    await w.deployed('b', 'SHOP-2');
    await w.render('SHOP-2');
    const card = await w.cardWith('SHOP-2', ['↩️ Roll back']);
    const before = await deployImageHistory(harness.app.store.db, 'SHOP');
    await pressButton(harness, ALICE, card.messageId, 'Roll back');
    const [prompt] = await harness.waitFor(async () => ((await w.prompts()).length === 1 ? w.prompts() : null), 'the confirmation prompt');
    await pressButton(harness, ALICE, prompt!.messageId, 'Confirm roll back');
    const outcome = await harness.waitFor(async () => (await w.bot('⚠️ Roll-back of SHOP-2'))[0], 'the failure message', 60_000);
    expect(outcome.silent).toBe(false);
    expect(outcome.plain).toContain('failed: the roll-back hook failed before changing anything (exit 1)');
    expect(outcome.plain).toContain(`production still runs ${prodRepo}:${SHA.b}`);
    expect(w.hookCalls()).toHaveLength(1);
    expect(await deployImageHistory(harness.app.store.db, 'SHOP')).toEqual(before);
    expect((await currentProductionImage(harness.app.store.db, 'SHOP'))?.imageId).toBe(ids.b);
    expect((await rollbackOf(harness.app.store.db, 'SHOP-2'))?.state).toBe('failed');
    await harness.waitFor(async () => (await harness.liveCard('SHOP-2'))?.plain.includes(`⚠️ Roll-back to ${prodRepo}:${SHA.a} failed (asked by Alice`), 'the failure on the card');
    expect((await harness.liveCard('SHOP-2'))?.buttons).toEqual([]);
  }, 120_000);

  it('unhealthy after the hook exits 0: production state unknown, said so, never claimed as rolled back', async () => {
    const w = await world(0, 'echo probe refused; exit 1');
    const { harness } = w;
    await w.deployed('a', 'SHOP-1');
    await w.deployed('b', 'SHOP-2');
    await w.render('SHOP-2');
    const card = await w.cardWith('SHOP-2', ['↩️ Roll back']);
    await pressButton(harness, BOB, card.messageId, 'Roll back');
    const [prompt] = await harness.waitFor(async () => ((await w.prompts()).length === 1 ? w.prompts() : null), 'the confirmation prompt');
    await pressButton(harness, BOB, prompt!.messageId, 'Confirm roll back');
    const outcome = await harness.waitFor(async () => (await w.bot('🆘 Roll-back of SHOP-2'))[0], 'the unknown-state message', 60_000);
    expect(outcome.silent).toBe(false);
    expect(outcome.plain).toContain('left production in an unknown state');
    expect(outcome.plain).toContain('probe refused');
    expect(w.hookCalls()).toHaveLength(1);
    expect((await rollbackOf(harness.app.store.db, 'SHOP-2'))?.state).toBe('unknown');
    expect((await deployImageHistory(harness.app.store.db, 'SHOP')).map((r) => r.outcome)).toEqual(['deployed', 'deployed']);
    expect(await w.bot('↩️ Rolled back')).toEqual([]);
  }, 120_000);

  it('a roll-back job that finds its hook already started (Conveyor died during it) never runs the hook again', async () => {
    const w = await world(0);
    const { harness } = w;
    await w.deployed('a', 'SHOP-1');
    await w.deployed('b', 'SHOP-2');
    // The state a crash during the hook leaves: claimed, hook started, the job still queued.
    await harness.app.store.transaction(async (tx) => {
      await claimRollback(tx, { id: 'rb1', taskId: 'SHOP-2', by: 'telegram:222:Bob', byName: 'Bob', targetRef: `${prodRepo}:${SHA.a}`, now: Date.now() });
      await advanceRollback(tx, 'rb1', 'requested', 'hook-started');
      await harness.app.queue.enqueueInTx(tx, { kind: 'rollback', taskId: 'SHOP-2', payload: { rollbackId: 'rb1' }, idempotencyKey: 'SHOP-2:rollback', maxAttempts: 3 }, Date.now());
    });
    const outcome = await harness.waitFor(async () => (await w.bot('🆘 Roll-back of SHOP-2'))[0], 'the unknown-state message', 60_000);
    expect(outcome.plain).toContain('it is not run twice');
    expect(w.hookCalls()).toEqual([]);
    expect((await rollbackOf(harness.app.store.db, 'SHOP-2'))?.state).toBe('unknown');
    expect((await deployImageHistory(harness.app.store.db, 'SHOP')).map((r) => r.outcome)).toEqual(['deployed', 'deployed']);
  }, 120_000);

  it('a self-deploy project offers no button and the engine refuses its roll-back (ADR 0034)', async () => {
    const w = await world(0, 'true', { self: true });
    const { harness } = w;
    await w.deployed('a', 'SHOP-1');
    await w.deployed('b', 'SHOP-2');
    await w.render('SHOP-2');
    await w.cardWith('SHOP-2', []);
    const outcome = await harness.app.engine.handle({ type: 'RollbackRequested', key: 'rollback:SHOP-2', taskId: 'SHOP-2', rollbackId: 'rb1', actor: 'telegram:222:Bob' });
    expect(outcome).toMatchObject({ type: 'rejected' });
    expect(outcome.type === 'rejected' && outcome.reason).toContain('roll back with its hook by hand');
    expect(w.rollbackJobs()).toBe(0);
    expect(await rollbackOf(harness.app.store.db, 'SHOP-2')).toBeNull();
  }, 120_000);
});
