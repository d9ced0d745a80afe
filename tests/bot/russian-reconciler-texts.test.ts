/**
 * The reconciler's words in Russian: a real pass over the composed app replays a lost CI status;
 * its chat notice, the `/reconcile` report and `/queue`'s reconciler line read in Russian, with no
 * English left (the check of russian-texts.test.ts), and in English they keep their wording.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localizeEvent } from '../../bot/render/event-text.ts';
import { renderQueue } from '../../bot/render/render-queue.ts';
import { commandTexts } from '../../bot/telegram/command-texts.ts';
import { buildQueueView } from '../../core/notify/queue-view.ts';
import { recordStatus } from '../../core/store/ci-status-repo.ts';
import { pendingOutbox, toOutboxMessage } from '../../core/store/outbox-repo.ts';
import { A3, TASK, startWebhookApp, toAwaitingCi, type WebhookApp } from '../inbound/inbound-harness.ts';
import { englishWords } from '../support/english-words.ts';

let w: WebhookApp | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

describe('reconciler texts', () => {
  it('notice, /reconcile report and /queue line in Russian', async () => {
    const app = (w = await startWebhookApp({ env: { ORCH_RECONCILE_GRACE_S: '0' } })).app;
    await toAwaitingCi(app, A3);
    app.store.sqlite.prepare(`UPDATE jobs SET state = 'succeeded' WHERE kind = 'forge'`).run();
    await app.store.transaction(async (tx) =>
      await recordStatus(tx, {
        repo: 'acme/shop',
        sha: A3,
        context: 'ci',
        state: 'success',
        description: '',
        targetUrl: null,
        statusId: 1,
        updatedAt: 0,
      }),
    );
    const report = await app.reconciler.runPass({ dryRun: false, actor: 'test' });
    expect(report.unblocked.map((u) => u.taskId)).toEqual([TASK]);
    const notices = (await pendingOutbox(app.store.db, Date.now() + 1, 100))
      .map(toOutboxMessage)
      .flatMap((m) => (m?.kind === 'notice' ? [m.text] : []));
    expect(notices).toHaveLength(1);
    const queue = async (locale: 'en' | 'ru') =>
      renderQueue(await buildQueueView(app.store, app.queue, 2), locale, Date.now());

    const ru = [
      localizeEvent(notices[0] ?? '', 'ru'),
      commandTexts('ru').reconcileReport(report),
      await queue('ru'),
    ];
    expect(ru.flatMap(englishWords).filter((word) => word !== TASK.split('-')[0])).toEqual([]);
    expect(ru[0]).toMatch(
      /^🔁 SHOP-42: CI пройден на [0-9a-f]{7} \(статус не применён\) — восстановлено сверкой$/,
    );
    expect(ru[2]).toMatch(
      /разблокировано 1 · последний SHOP-42 \(CI пройден на [0-9a-f]{7} \(статус не применён\)\)/,
    );

    const en = [
      localizeEvent(notices[0] ?? '', 'en'),
      commandTexts('en').reconcileReport(report),
      await queue('en'),
    ];
    expect(en[0]).toBe(notices[0]);
    expect(en[0]).toMatch(/— replayed by the reconciler$/);
    expect(en.flatMap(englishWords)).toContain('unblocked');
  });
});
