import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveListener, type RunningListener } from '../../adapters/http/serve.ts';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { describeBrowser, launchBrowser } from '../support/describe-browser.ts';
import { APPROVER, MUST_FIX, VIEWER, dashboardWorld, seedTasks, type DashboardWorld } from '../support/dashboard-harness.ts';
import { DELIVERED, seedHistory } from '../support/dashboard-history.ts';
import type { ChartData } from '../../core/dashboard/chart-data.ts';

const BRD = '# BRD\n\nShip it.\n';
const DARK = { bg_color: '#17212b', text_color: '#f5f5f5', hint_color: '#708499', link_color: '#6ab3f3', button_color: '#5288c1', button_text_color: '#ffffff', secondary_bg_color: '#232e3c' };
/** Screenshots for the README: CONVEYOR_SCREENSHOTS=1 writes them to docs/img/. */
const SHOTS = process.env.CONVEYOR_SCREENSHOTS === '1';

describeBrowser('dashboard in a real browser (Chromium + playwright-core)', () => {
  let w: DashboardWorld;
  let delivered: string[];
  let listener: RunningListener;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    w = dashboardWorld();
    await seedTasks(w);
    delivered = await seedHistory(w);
    listener = await serveListener(w.app, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${listener.port}`;
    browser = await launchBrowser();
    if (SHOTS) mkdirSync('docs/img', { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    w?.dashboard.close();
    await listener?.close();
    w?.cleanup();
  });

  /** Open the Mini App as Telegram would: initData and theme in the URL's fragment. */
  async function open(initData: string, theme: Record<string, string> | null = null, path = '/app'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 420, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    const fragment = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: '8.0', tgWebAppPlatform: 'android', ...(theme ? { tgWebAppThemeParams: JSON.stringify(theme) } : {}) });
    await page.goto(`${base}${path}#${fragment.toString()}`);
    return page;
  }

  it('valid initData → the board shows the seeded tasks in their stage columns', async () => {
    const page = await open(w.initData(VIEWER));
    await page.waitForURL(/\/app\/board$/);
    const ids = async (stage: string) => Promise.all((await page.locator(`section[data-stage="${stage}"] a.card`).all()).map((card) => card.getAttribute('data-task')));
    expect(await ids('analysis')).toEqual(['SHOP-1', 'SHOP-2']);
    expect(await ids('development')).toEqual(['SHOP-3', 'SHOP-4']);
    expect(await ids('review')).toEqual([]);
    expect(await ids('testing')).toEqual([]);
    // The month of delivered work closes the board in the done column, newest first.
    expect((await ids('done'))[0]).toBe(delivered.at(-1));
    expect(await page.locator('[data-task="SHOP-2"] .badge').innerText()).toBe('waiting for approval');
    if (SHOTS) await page.screenshot({ path: 'docs/img/dashboard-board.png', fullPage: true });
  });

  it('a transition appears on the open board without a reload', async () => {
    const page = await open(w.initData(VIEWER));
    await page.waitForURL(/\/app\/board$/);
    // Browser-side code as strings: the project compiles without the DOM types.
    await page.waitForFunction("document.documentElement.dataset.live === 'on'");
    await page.evaluate('window.marker = 42');
    const started = Date.now();
    await w.finish('SHOP-1', 'analyst', { '01-brd.md': BRD });
    await page.locator('[data-task="SHOP-1"] .badge-approval').waitFor({ timeout: 10_000 });
    const elapsed = Date.now() - started;
    console.log(`[figure] transition to board: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(5_000);
    // Same document: the marker set before the transition is still there.
    expect(await page.evaluate('window.marker')).toBe(42);
  });

  it("the task page shows the timeline and a rollback's must-fix text", async () => {
    const page = await open(w.initData(VIEWER));
    await page.waitForURL(/\/app\/board$/);
    await page.click('[data-task="SHOP-4"]');
    await page.waitForURL(/\/app\/task\/SHOP-4$/);
    const rows = await page.locator('#timeline tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#timeline').innerText()).toContain('BRD approved by Alice');
    expect(await page.locator('#rollbacks .must-fix').innerText()).toContain(MUST_FIX);
    if (SHOTS) await page.screenshot({ path: 'docs/img/dashboard-task.png', fullPage: true });
  });

  it("a 📊 button's deep link (a task page with initData) signs in and shows that task", async () => {
    const page = await open(w.initData(VIEWER), null, '/app/task/SHOP-3');
    await page.locator('#timeline').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe('/app/task/SHOP-3');
    expect(await page.locator('h1').innerText()).toContain('Dark mode');
  });

  it('a viewer without rights sees no approve control, and a forged POST is refused', async () => {
    const page = await open(w.initData(VIEWER));
    await page.waitForURL(/\/app\/board$/);
    await page.goto(`${base}/app/task/SHOP-2`);
    await page.locator('#timeline').waitFor();
    expect(await page.locator('#approve').count()).toBe(0);
    const approval = (await pendingApproval(w.h.store.db, 'SHOP-2', 'brd'))!;
    const status = await page.evaluate(async (url) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Conveyor-Dashboard': '1' }, body: '{}' });
      return res.status;
    }, `/app/api/approvals/${approval.id}/approve`);
    expect(status).toBe(403);
    expect((await getApproval(w.h.store.db, approval.id))?.state).toBe('pending');
  });

  it('an approver approves from the page; the task moves on', async () => {
    const page = await open(w.initData(APPROVER));
    await page.waitForURL(/\/app\/board$/);
    await page.goto(`${base}/app/task/SHOP-2`);
    const approval = (await pendingApproval(w.h.store.db, 'SHOP-2', 'brd'))!;
    await page.click('#approve');
    await page.locator('#action-result', { hasText: 'BRD approved' }).waitFor({ timeout: 10_000 });
    expect((await getApproval(w.h.store.db, approval.id))?.state).toBe('approved');
    expect((await w.h.task('SHOP-2')).stage).toBe('development');
  });

  it('expired or forged initData → the 401 page', async () => {
    for (const initData of [w.initData(APPROVER, 7200), w.initData(APPROVER).replace(/hash=[0-9a-f]{4}/, 'hash=0000'), '']) {
      const page = await open(initData);
      await page.locator('#unauthorized').waitFor({ timeout: 10_000 });
      expect(await page.locator('body').innerText()).not.toContain('SHOP');
    }
  });

  /**
   * The charts draw the delivered month: the page's chart data has a point for every week, and
   * every canvas has series pixels (saturated colours; axes, text and grid are greys).
   */
  async function expectChartsWithData(page: Page): Promise<void> {
    await page.waitForFunction("document.documentElement.dataset.charts === 'drawn'", undefined, { timeout: 10_000 });
    expect(await page.locator('.chart canvas').count()).toBe(5);
    const data = JSON.parse(await page.locator('#chart-data').textContent() ?? 'null') as ChartData;
    expect(data.weeks.length).toBeGreaterThanOrEqual(4);
    expect(data.cycle.p50.every((p) => p !== null && p > 0)).toBe(true);
    expect(data.cycle.p90.every((p, i) => p !== null && p >= data.cycle.p50[i]!)).toBe(true);
    for (const stage of ['analysis', 'development', 'review', 'testing']) {
      expect(data.stageHours.find((s) => s.stage === stage)?.hours.some((h) => h > 0), stage).toBe(true);
    }
    expect(Object.fromEntries(data.rollbacksByStage.map((r) => [r.stage, r.count]))).toMatchObject({ review: 4, testing: 1 });
    expect(data.escalations.reduce((a, b) => a + b, 0)).toBe(1);
    expect(data.agentHoursByRole.every((r) => r.hours > 0)).toBe(true);
    expect(DELIVERED.length).toBe(delivered.length);
    const coloured = await page.evaluate<Record<string, number>>(`(() => {
      const counts = {};
      for (const el of document.querySelectorAll('.chart')) {
        const canvas = el.querySelector('canvas');
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] > 100 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) n++;
        }
        counts[el.id] = n;
      }
      return counts;
    })()`);
    console.log(`[figure] series pixels per chart: ${JSON.stringify(coloured)}`);
    for (const [id, n] of Object.entries(coloured)) expect(n, id).toBeGreaterThan(200);
  }

  it('the charts draw the delivered month in the light theme', async () => {
    const page = await open(w.initData(VIEWER));
    await page.waitForURL(/\/app\/board$/);
    await page.goto(`${base}/app/charts`);
    await expectChartsWithData(page);
    if (SHOTS) await page.screenshot({ path: 'docs/img/dashboard-charts.png', fullPage: true });
  });

  it("Telegram's dark theme renders readable (computed colours and contrast)", async () => {
    const page = await open(w.initData(VIEWER), DARK);
    await page.waitForURL(/\/app\/board$/);
    const colours = await page.evaluate<{ theme: string; bg: string; text: string; card: string }>(`(() => {
      const body = getComputedStyle(document.body);
      const card = getComputedStyle(document.querySelector('a.card .title'));
      return { theme: document.documentElement.dataset.theme, bg: body.backgroundColor, text: body.color, card: card.color };
    })()`);
    expect(colours).toMatchObject({ theme: 'dark', bg: 'rgb(23, 33, 43)', text: 'rgb(245, 245, 245)' });
    expect(contrast(colours.card, colours.bg)).toBeGreaterThan(7);
    await page.goto(`${base}/app/charts`);
    await expectChartsWithData(page);
    if (SHOTS) await page.screenshot({ path: 'docs/img/dashboard-charts-dark.png', fullPage: true });
  });
});

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (rgb: string) => {
    const [r = 0, g = 0, bl = 0] = (rgb.match(/\d+/g) ?? []).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
