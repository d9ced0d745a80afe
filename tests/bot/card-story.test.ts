/**
 * What a finished card and an escalation tell people: the delivered card keeps its rollbacks
 * ("rollbacks 1/3") and what the last one asked to fix; an escalation from a PermanentError reads
 * as its sentence, never as the error's class name, and in ru its cause is translated too (the
 * en chat text is checked end to end in tests/e2e/agent-not-found.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localizeEvent } from '../../bot/render/event-text.ts';
import { renderCard } from '../../bot/render/render-card.ts';
import { buildCardView } from '../../core/notify/card-view.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | null = null;
afterEach(() => {
  h?.cleanup();
  h = null;
});

async function doneCard(rollbacks: number, mustFix: string | null) {
  h = engineHarness();
  await h.handle({ type: 'TaskRequested', key: 'n', projectId: 'SHOP', title: 'Wishlist', source: 'chat', actor: 'telegram:111:Alice' });
  h.store.sqlite.prepare(`UPDATE tasks SET stage='done', phase='idle', rollbacks=?, must_fix=?`).run(rollbacks, mustFix);
  return (await buildCardView(h.store, h.queue, new Map([[h.project.id, h.project]]), 'SHOP-1', 3, null))!;
}

describe('the delivered card keeps its story', () => {
  it('states the rollbacks and the last must-fix line, in en and ru, escaped in HTML', async () => {
    const view = await doneCard(1, '\n- P1: cart.js wishlistCount(null) throws a <TypeError>\n- P2: more\n');
    const now = h!.clock.now();
    expect(renderCard(view, 'en', now, 'text').split('\n')[2]).toBe('🔁 rollbacks 1/3 · last must fix: P1: cart.js wishlistCount(null) throws a <TypeError>');
    expect(renderCard(view, 'ru', now, 'text').split('\n')[2]).toBe('🔁 откаты 1/3 · последнее замечание: P1: cart.js wishlistCount(null) throws a <TypeError>');
    expect(renderCard(view, 'en', now, 'html')).toContain('throws a &lt;TypeError&gt;');
  });

  it('says nothing about rollbacks when there were none', async () => {
    const view = await doneCard(0, null);
    expect(renderCard(view, 'en', h!.clock.now(), 'text')).not.toMatch(/rollback|🔁/);
  });
});

describe('an escalation from a missing agent program', () => {
  const reason = 'agent job failed: agent command not found: claude (projects[SHOP].agents.default)';
  it('reads as the sentence in ru, the cause translated too', () => {
    expect(localizeEvent(reason, 'ru')).toBe('сбой задания агента: не найдена команда агента: claude (projects[SHOP].agents.default)');
  });
});
