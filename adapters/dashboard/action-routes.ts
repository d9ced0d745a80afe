/**
 * The dashboard's controls: approve/reject a pending BRD, retry, cancel. The same implementation
 * as the bot's (core/actions/task-actions.ts); a person who may not act gets 403. A request must be
 * JSON with the `X-Conveyor-Dashboard` header, which a cross-site form cannot send without a CORS
 * preflight (which this listener never allows).
 */
import { Hono, type Context } from 'hono';
import { approvalSubject, cancelTask, decideApproval, retryTask, type ActionResult, type TaskActionDeps } from '../../core/actions/task-actions.ts';
import { wellFormed } from '../../core/display-text.ts';
import { actorName } from '../../core/engine/actor-name.ts';
import type { DashboardEnv, Viewer } from './dashboard-session.ts';

export const ACTION_HEADER = 'X-Conveyor-Dashboard';

function actorOf(viewer: Viewer): { userId: number; actor: string } {
  return { userId: viewer.userId, actor: `telegram:${viewer.userId}:${viewer.name}` };
}

async function reasonOf(c: Context): Promise<string> {
  try {
    const body = await c.req.json<{ reason?: unknown }>();
    return typeof body.reason === 'string' ? wellFormed(body.reason.trim()).slice(0, 2000) : '';
  } catch {
    return '';
  }
}

function answer(c: Context, result: ActionResult, done: string): Response {
  switch (result.type) {
    case 'unknown':
      return c.json({ ok: false, message: 'not found' }, 404);
    case 'not-approver':
    case 'not-deploy-approver':
    case 'requester':
      return c.json({ ok: false, message: 'you may not do this' }, 403);
    case 'already-decided':
      return c.json({ ok: false, message: `already ${result.approval.state} by ${actorName(result.approval.decidedByName ?? '?')}` }, 409);
    case 'outcome': {
      const o = result.outcome;
      if (o.type === 'applied') return c.json({ ok: true, message: done });
      const why = o.type === 'rejected' || o.type === 'noop' ? o.reason : o.type === 'already-decided' ? `already ${o.state} by ${o.by}` : o.type;
      return c.json({ ok: false, message: why }, 409);
    }
  }
}

export function actionRoutes(deps: TaskActionDeps, now: () => number): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    if (c.req.header(ACTION_HEADER) !== '1' || !(c.req.header('content-type') ?? '').startsWith('application/json')) {
      return c.json({ ok: false, message: 'bad request' }, 400);
    }
    await next();
  });
  app.post('/approvals/:id/:decision{approve|reject}', async (c) => {
    const id = c.req.param('id');
    // The dashboard decides BRDs only; production approvals stay in the chat (four-eyes, ADR 0028).
    if ((await approvalSubject(deps, id))?.approval.gate !== 'brd') return c.json({ ok: false, message: 'not found' }, 404);
    const decision = c.req.param('decision') === 'approve' ? 'approve' : 'reject';
    const reason = decision === 'reject' ? (await reasonOf(c)) || 'rejected from the dashboard without a reason' : undefined;
    return answer(c, await decideApproval(deps, id, decision, actorOf(c.get('viewer')), reason), decision === 'approve' ? 'BRD approved' : 'BRD rejected');
  });
  app.post('/tasks/:id/retry', async (c) => {
    const key = `dashboard:${c.get('viewer').userId}:retry:${c.req.param('id')}:${now()}`;
    return answer(c, await retryTask(deps, c.req.param('id').toUpperCase(), actorOf(c.get('viewer')), key), 'retrying');
  });
  app.post('/tasks/:id/cancel', async (c) => {
    const viewer = c.get('viewer');
    const reason = (await reasonOf(c)) || `cancelled by ${viewer.name}`;
    const key = `dashboard:${viewer.userId}:cancel:${c.req.param('id')}:${now()}`;
    return answer(c, await cancelTask(deps, c.req.param('id').toUpperCase(), actorOf(viewer), key, reason), 'cancelled');
  });
  return app;
}
