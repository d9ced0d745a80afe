import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../adapters/sandbox/telegram/html-check.ts';
import { renderDeployApproval, type DeployApprovalView } from '../../bot/render/render-deploy-approval.ts';

const HOSTILE = '<b>Bold</b> & "quotes" &amp; 🚀 שלום <script>x</script> 1<2>3';
const sha = '3f2a1c9e'.padEnd(40, '0');
const view: DeployApprovalView = {
  taskId: 'SHOP-42',
  title: 'Wishlist & <cart>',
  staging: { verdict: 'SUCCESS', waived: ['C9a'] },
  image: { ref: `conveyor/shop:${sha}`, id: `sha256:${'ab12'.repeat(16)}` },
  targetImage: `registry.acme.test/shop:${sha}`,
  revision: sha,
  fourEyes: true,
  links: {
    tracker: 'https://plane.acme.test/acme/issues/42?a=1&b=2',
    pr: 'http://127.0.0.1:3000/acme/shop/pulls/7',
    report:
      'https://git.acme.test/acme/shop/src/branch/task/SHOP-42/docs/work-items/SHOP-42/14-staging-report.md',
  },
};
const pending = { state: 'pending', decidedBy: null, decidedByName: null, decidedAt: null, reason: null };

/** What members see: the HTML must parse as Telegram's parse mode does. */
function visible(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (parsed.type !== 'ok') throw new Error(`Telegram would refuse: ${parsed.reason}\n${html}`);
  return parsed.plain;
}

describe('production approval message', () => {
  it('shows title, staging verdict with waived checks, image, revision, links and the two buttons', () => {
    const rendered = renderDeployApproval(view, pending, 'en', 'html');
    expect(visible(rendered.text).split('\n')).toEqual([
      '🚀 Ready for production — SHOP-42 · Wishlist & <cart>',
      '',
      '🧪 Staging: SUCCESS (waived: C9a)',
      `📦 Image: conveyor/shop:${sha} · id sha256:${'ab12'.repeat(3)} · as registry.acme.test/shop:${sha}`,
      `🔖 Revision: ${sha}`,
      '👀 Four-eyes: the requester cannot approve',
      '🔗 Plane · Staging report',
    ]);
    expect(rendered.text).toContain('<a href="https://plane.acme.test/acme/issues/42?a=1&amp;b=2">Plane</a>');
    expect(rendered.buttons).toEqual([
      { text: '✅ Deploy', action: 'approve' },
      { text: '❌ Reject', action: 'reject' },
    ]);
  });

  it('escapes every value', () => {
    const hostile: DeployApprovalView = {
      ...view,
      title: HOSTILE,
      staging: { verdict: 'SUCCESS', waived: ['<C9a>&'] },
      image: { ref: 'a<b>&c', id: 'x&y' },
      targetImage: '<t>',
      revision: '&r',
    };
    const rendered = renderDeployApproval(
      hostile,
      {
        state: 'rejected',
        decidedBy: '111',
        decidedByName: '<Eve> & co',
        decidedAt: Date.UTC(2026, 11, 6, 14, 5),
        reason: 'not <now> & never',
      },
      'en',
      'html',
    );
    const text = visible(rendered.text);
    expect(text.split('\n')[0]).toBe(`🚀 Ready for production — SHOP-42 · ${HOSTILE}`);
    expect(text).toContain('(waived: <C9a>&)');
    expect(text).toContain('📦 Image: a<b>&c · id x&y · as <t>');
    expect(text).toContain('🔖 Revision: &r');
    expect(text).toContain('❌ Rejected by <Eve> & co · 14:05\nnot <now> & never');
    // Only the id is bold (besides code and links): the title's <b> stayed text.
    const parsed = parseTelegramHtml(rendered.text);
    const kinds = parsed.type === 'ok' ? parsed.entities.map((e) => e.type) : [];
    expect(kinds.filter((t) => t !== 'code' && t !== 'text_link')).toEqual(['bold']);
    expect(rendered.buttons).toEqual([]);
  });

  it('says who decided and drops the buttons once decided', () => {
    const approved = renderDeployApproval(
      { ...view, staging: { verdict: 'SUCCESS', waived: [] }, fourEyes: false },
      {
        state: 'approved',
        decidedBy: '222',
        decidedByName: 'Bob',
        decidedAt: Date.UTC(2026, 11, 6, 9, 30),
        reason: null,
      },
      'en',
      'html',
    );
    const lines = visible(approved.text).split('\n');
    expect(lines).toContain('🧪 Staging: SUCCESS');
    expect(lines).not.toContain('👀 Four-eyes: the requester cannot approve');
    expect(lines.at(-1)).toBe('✅ Deployed by Bob · 09:30');
    expect(approved.buttons).toEqual([]);
  });

  it('speaks Russian', () => {
    const rendered = renderDeployApproval(view, pending, 'ru', 'html');
    const text = visible(rendered.text);
    expect(text.split('\n')[0]).toBe('🚀 Готово к выкатке — SHOP-42 · Wishlist & <cart>');
    expect(text).toContain('🧪 Стейджинг: SUCCESS (не учтены: C9a)');
    expect(text).toContain('🔗 Plane · Отчёт стейджинга');
    expect(rendered.buttons.map((b) => b.text)).toEqual(['✅ Выкатить', '❌ Отклонить']);
    const rejected = renderDeployApproval(
      view,
      {
        state: 'rejected',
        decidedBy: '1',
        decidedByName: 'Ива',
        decidedAt: Date.UTC(2026, 0, 1, 8, 0),
        reason: 'рано',
      },
      'ru',
      'html',
    );
    expect(visible(rejected.text)).toContain('❌ Отклонил Ива · 08:00\nрано');
    expect(rejected.buttons).toEqual([]);
  });

  it('renders plain text for the console without markup or escaping', () => {
    const rendered = renderDeployApproval(
      { ...view, staging: { verdict: 'FAILED', waived: [] } },
      pending,
      'en',
      'text',
    );
    expect(rendered.text.split('\n')[0]).toBe('🚀 Ready for production — SHOP-42 · Wishlist & <cart>');
    expect(rendered.text).toContain('🧪 Staging: FAILED');
    expect(rendered.text).toContain(
      '🔗 Plane https://plane.acme.test/acme/issues/42?a=1&b=2 · Staging report https://',
    );
    expect(rendered.text).not.toContain('<code>');
  });
});
