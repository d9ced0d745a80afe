import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { pendingOutbox } from '../../core/store/outbox-repo.ts';
import { APPROVER, MUST_FIX, STRANGER, VIEWER, dashboardWorld, seedTasks, type DashboardWorld } from '../support/dashboard-harness.ts';

let w: DashboardWorld;
beforeEach(async () => {
  w = dashboardWorld();
  await seedTasks(w);
});
afterEach(() => w.cleanup());

async function signIn(userId: number, ageS = 5): Promise<{ status: number; cookie: string }> {
  const res = await w.app.request('/app/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData: w.initData(userId, ageS) }) });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

function post(path: string, cookie: string, body: unknown = {}) {
  return w.app.request(path, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'X-Conveyor-Dashboard': '1' }, body: JSON.stringify(body) });
}

describe('dashboard routes (app.request)', () => {
  it('serves the bootstrap page to anyone, but nothing else without a session', async () => {
    expect((await w.app.request('/app')).status).toBe(200);
    for (const path of ['/app/board', '/app/task/SHOP-1', '/app/queue', '/app/charts', '/app/api/board', '/app/events', '/app/nothing-here']) {
      const res = await w.app.request(path);
      expect(res.status, path).toBe(401);
      const text = await res.text();
      expect(text).toContain('Not authorized');
      expect(text).not.toContain('SHOP');
    }
  });

  it('refuses stale, forged and stranger initData with the same 401 and no cookie', async () => {
    const stale = await signIn(APPROVER, 7200);
    const stranger = await signIn(STRANGER);
    const forged = await w.app.request('/app/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData: w.initData(APPROVER).replace('User111', 'User112') }) });
    for (const r of [stale, stranger, { status: forged.status, cookie: forged.headers.get('set-cookie') ?? '' }]) expect(r).toEqual({ status: 401, cookie: '' });
  });

  it('a viewer sees the board with tasks in their stage columns', async () => {
    const { status, cookie } = await signIn(VIEWER);
    expect(status).toBe(200);
    const board = (await (await w.app.request('/app/api/board', { headers: { cookie } })).json()) as { columns: { stage: string; cards: { id: string; badges: string[]; rollbacks: number }[] }[] };
    const column = (stage: string) => board.columns.find((c) => c.stage === stage)?.cards.map((c) => c.id);
    expect(board.columns.map((c) => c.stage)).toEqual(['analysis', 'development', 'review', 'testing', 'done']);
    expect(column('analysis')).toEqual(['SHOP-1', 'SHOP-2']);
    expect(column('development')).toEqual(['SHOP-3', 'SHOP-4']);
    const cards = board.columns.flatMap((c) => c.cards);
    expect(cards.find((c) => c.id === 'SHOP-2')?.badges).toEqual(['approval']);
    expect(cards.find((c) => c.id === 'SHOP-4')?.rollbacks).toBe(1);
    const html = await (await w.app.request('/app/board', { headers: { cookie } })).text();
    expect(html).toContain('data-task="SHOP-2"');
    expect(html).toContain('waiting for approval');
  });

  it('the task page shows the timeline, the rollback and its must-fix text, runs and log tail', async () => {
    const { cookie } = await signIn(VIEWER);
    const html = await (await w.app.request('/app/task/SHOP-4', { headers: { cookie } })).text();
    expect(html).toContain('id="timeline"');
    expect(html).toContain('BRD approved by Alice');
    expect(html).toContain(MUST_FIX);
    expect(html).toContain('reviewer 1 of SHOP-4: last words');
    expect(html).toContain('https://git.example.com/acme/shop/src/branch/task/SHOP-4');
    // A viewer gets no controls.
    expect(html).not.toContain('data-action');
  });

  it('an approver approves from the dashboard through the bot path; the chat message is updated', async () => {
    const { cookie } = await signIn(APPROVER);
    const page = await (await w.app.request('/app/task/SHOP-2', { headers: { cookie } })).text();
    const approval = await pendingApproval(w.h.store.db, 'SHOP-2', 'brd');
    expect(page).toContain(`/app/api/approvals/${approval!.id}/approve`);
    const res = await post(`/app/api/approvals/${approval!.id}/approve`, cookie);
    expect(res.status).toBe(200);
    expect(await getApproval(w.h.store.db, approval!.id)).toMatchObject({ state: 'approved', decidedBy: `telegram:${APPROVER}:User${APPROVER}` });
    expect((await w.h.task('SHOP-2')).stage).toBe('development');
    expect((await pendingOutbox(w.h.store.db, Number.MAX_SAFE_INTEGER, 1000)).some((o) => o.kind === 'approval-decided' && o.taskId === 'SHOP-2')).toBe(true);
    const again = await post(`/app/api/approvals/${approval!.id}/approve`, cookie);
    expect(again.status).toBe(409);
  });

  it('a viewer who may not act is refused (403) and nothing changes; requests without the header are 400', async () => {
    const { cookie } = await signIn(VIEWER);
    const approval = (await pendingApproval(w.h.store.db, 'SHOP-2', 'brd'))!;
    expect((await post(`/app/api/approvals/${approval.id}/approve`, cookie)).status).toBe(403);
    expect((await post('/app/api/tasks/SHOP-1/cancel', cookie, { reason: 'no' })).status).toBe(403);
    expect((await getApproval(w.h.store.db, approval.id))?.state).toBe('pending');
    expect((await w.h.task('SHOP-1')).stage).toBe('analysis');
    const approver = await signIn(APPROVER);
    const formPost = await w.app.request('/app/api/tasks/SHOP-1/cancel', { method: 'POST', headers: { cookie: approver.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=x' });
    expect(formPost.status).toBe(400);
    expect((await w.h.task('SHOP-1')).stage).toBe('analysis');
  });

  it('an approver cancels with a reason', async () => {
    const { cookie } = await signIn(APPROVER);
    const res = await post('/app/api/tasks/SHOP-1/cancel', cookie, { reason: 'not needed' });
    expect(res.status).toBe(200);
    expect((await w.h.task('SHOP-1')).stage).toBe('cancelled');
  });

  it('chart data: rollbacks per stage and agent time per role', async () => {
    const { cookie } = await signIn(VIEWER);
    const data = (await (await w.app.request('/app/api/charts', { headers: { cookie } })).json()) as { rollbacksByStage: { stage: string; count: number }[]; agentHoursByRole: { role: string; hours: number }[] };
    expect(data.rollbacksByStage.find((r) => r.stage === 'review')?.count).toBe(1);
    expect(data.agentHoursByRole.find((r) => r.role === 'analyst')?.hours).toBeGreaterThan(0);
  });
});
