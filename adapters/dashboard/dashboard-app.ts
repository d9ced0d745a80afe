/**
 * The Telegram Mini App dashboard under `/app` (docs/dashboard.md, ADR 0039): a bootstrap page
 * that trades Telegram's `initData` for a session, then server-rendered pages (board, task, queue,
 * charts) that refresh themselves on server-sent events, and the controls' POST routes.
 */
import { Hono, type Context } from 'hono';
import type { TaskActionDeps } from '../../core/actions/task-actions.ts';
import { buildBoardView } from '../../core/dashboard/board-view.ts';
import { buildChartData } from '../../core/dashboard/chart-data.ts';
import type { DashboardRights } from '../../core/dashboard/dashboard-rights.ts';
import { buildTaskView, type RunLogReader } from '../../core/dashboard/task-view.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import { buildQueueView } from '../../core/notify/queue-view.ts';
import type { JobQueue } from '../../core/queue/job-queue.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { actionRoutes } from './action-routes.ts';
import { assetRoutes } from './assets.ts';
import { boardBody } from './board-page.ts';
import { CHARTS_HEAD, chartsBody } from './charts-page.ts';
import { requireViewer, startSessionFromInitData, startSessionFromLink, type DashboardEnv, type SessionDeps } from './dashboard-session.ts';
import { h } from './html.ts';
import { page, type Shell } from './layout.ts';
import type { LiveUpdates } from './live-updates.ts';
import { queueBody } from './queue-page.ts';
import { taskBody } from './task-page.ts';
import type { ForgeLinksOf } from '../../core/ports/forge-links.ts';

export interface DashboardDeps extends SessionDeps {
  readonly actions: TaskActionDeps;
  readonly queue: JobQueue;
  readonly rights: DashboardRights;
  /** Worker slots (ORCH_MAX_CONCURRENCY), shown on the queue page. */
  readonly capacity: number;
  /** The forge repository's browser links of a project, or null. */
  readonly forgeLinks: ForgeLinksOf;
  readonly readLog: RunLogReader;
  readonly live: LiveUpdates;
}

/** Asks the page for `<main>`'s content only (a live refresh). */
export const PARTIAL_HEADER = 'X-Dashboard-Partial';

const BOOTSTRAP = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Conveyor</title><script defer src="/app/assets/dashboard.js"></script></head><body><main id="bootstrap"><p>Opening the dashboard…</p></main></body></html>`;

export function dashboardApp(deps: DashboardDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.route('/assets', assetRoutes());
  app.get('/', (c) => c.html(BOOTSTRAP));
  app.post('/session', (c) => startSessionFromInitData(c, deps));
  app.get('/link', (c) => startSessionFromLink(c, deps));
  app.use('*', requireViewer(deps));
  app.get('/events', (c) => deps.live.handle(c));
  app.route('/api', actionRoutes(deps.actions, deps.now));

  const visible = (c: Context<DashboardEnv>) => deps.rights.visibleProjects(c.get('viewer').userId);
  const chosen = (c: Context<DashboardEnv>): ProjectConfig | null => {
    const projects = visible(c);
    const wanted = c.req.query('project')?.toUpperCase();
    return (wanted ? projects.find((p) => p.id === wanted) : projects[0]) ?? null;
  };
  const render = (c: Context<DashboardEnv>, shell: Omit<Shell, 'viewerName' | 'projects'>) =>
    c.html(page({ ...shell, viewerName: c.get('viewer').name, projects: visible(c).map((p) => p.id) }, c.req.header(PARTIAL_HEADER) === '1'));

  app.get('/board', async (c) => {
    const project = chosen(c);
    if (!project) return c.html(h`<p>No such project.</p>`.text, 404);
    return render(c, { title: `${project.id} board`, project: project.id, tab: 'board', body: boardBody(await buildBoardView(deps.actions.store, project), deps.now()) });
  });
  app.get('/task/:id', async (c) => {
    const task = await getTask(deps.actions.store.db, c.req.param('id').toUpperCase());
    const project = task ? visible(c).find((p) => p.id === task.projectId) : undefined;
    const view = task && project ? await buildTaskView(deps.actions.store, project, task.id, deps.now(), deps.forgeLinks(project.id), deps.readLog) : null;
    // Someone else's project's task looks exactly like a missing one.
    if (!view || !project) return c.html(h`<p>No such task.</p>`.text, 404);
    return render(c, { title: view.task.id, project: project.id, tab: 'task', body: taskBody(view, deps.rights.mayAct(project, c.get('viewer').userId)) });
  });
  app.get('/queue', async (c) => {
    const ids = new Set(visible(c).map((p) => p.id));
    const view = await buildQueueView(deps.actions.store, deps.queue, deps.capacity, (id) => deps.rights.project(id)?.approvers ?? []);
    const body = queueBody(view, (taskId) => ids.has(taskId.slice(0, taskId.lastIndexOf('-'))), deps.now());
    return render(c, { title: 'Queue', project: null, tab: 'queue', body });
  });
  app.get('/charts', async (c) => {
    const project = chosen(c);
    if (!project) return c.html(h`<p>No such project.</p>`.text, 404);
    return render(c, { title: `${project.id} charts`, project: project.id, tab: 'charts', head: CHARTS_HEAD, body: chartsBody(project.id, await buildChartData(deps.actions.store, project)) });
  });
  app.get('/api/board', async (c) => {
    const project = chosen(c);
    return project ? c.json(await buildBoardView(deps.actions.store, project)) : c.json({ error: 'not found' }, 404);
  });
  app.get('/api/charts', async (c) => {
    const project = chosen(c);
    return project ? c.json(await buildChartData(deps.actions.store, project)) : c.json({ error: 'not found' }, 404);
  });
  return app;
}
