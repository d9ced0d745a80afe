/**
 * The Plane stand-in's API v1 routes: states (triage hidden), work items (list newest first, read,
 * PATCH state, read by `IDENT-SEQ` key), comments with external-id uniqueness (409 naming the
 * existing comment), and `users/me/` (the key's own user, UserLiteSerializer). Paths keep Plane's
 * trailing slashes and UUID converters; `issues/` is the deprecated alias of `work-items/`.
 */
import type { Hono } from 'hono';
import type { PlaneResponder } from './plane-standin-http.ts';
import { commentJson, stateJson, workItemJson } from './plane-standin-json.ts';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const PROJECT = `/api/v1/workspaces/:slug/projects/:pid{${UUID}}`;
const ITEMS = `${PROJECT}/:kind{work-items|issues}`;
const ITEM = `${ITEMS}/:id{${UUID}}`;

/** Adds the state, work item and comment routes to `app`. */
export function planeRoutes(app: Hono, r: PlaneResponder): void {
  const { state } = r;

  app.get('/api/v1/users/me/', (c) => r.json(c, 200, { ...state.users.api }));

  app.get(`${PROJECT}/states/`, (c) => {
    const project = r.project(c);
    if (!project) return r.denied(c);
    const states = project.states.filter((s) => !s.isTriage).sort((a, b) => a.sequence - b.sequence);
    return r.page(
      c,
      states.map((s) => stateJson(s, state)),
    );
  });

  app.get(`${ITEMS}/`, (c) => {
    const project = r.project(c);
    if (!project) return r.denied(c);
    const items = [...state.items.values()].filter((i) => i.projectId === project.id).reverse();
    return r.page(
      c,
      items.map((i) => workItemJson(i, state)),
    );
  });

  app.post(`${ITEMS}/`, async (c) => {
    const project = r.project(c);
    if (!project) return r.denied(c);
    const body = await r.body(c);
    if (!body) return r.detail(c, 400, 'JSON parse error');
    if (typeof body.name !== 'string' || body.name.trim() === '') return r.json(c, 400, { name: ['This field is required.'] });
    const item = state.createWorkItem(project.id, {
      name: body.name,
      ...(typeof body.description_html === 'string' ? { descriptionHtml: body.description_html } : {}),
      actor: state.users.api,
    });
    return r.json(c, 201, workItemJson(item, state));
  });

  app.get(`${ITEM}/`, (c) => {
    if (!r.project(c)) return r.denied(c);
    const item = r.item(c);
    return item ? r.json(c, 200, workItemJson(item, state)) : r.missing(c);
  });

  app.patch(`${ITEM}/`, async (c) => {
    if (!r.project(c)) return r.denied(c);
    const item = r.item(c);
    if (!item) return r.missing(c);
    const body = await r.body(c);
    if (!body) return r.detail(c, 400, 'JSON parse error');
    if (typeof body.state === 'string') {
      const target = [...state.projects.values()].flatMap((p) => p.states).find((s) => s.id === body.state);
      if (!target) return r.json(c, 400, { state: [`Invalid pk "${body.state}" - object does not exist.`] });
      if (target.projectId !== item.projectId) {
        return r.json(c, 400, { non_field_errors: ['State is not valid please pass a valid state_id'] });
      }
      state.moveWorkItem(item.id, target.id, 'api');
    }
    if (typeof body.name === 'string') item.name = body.name;
    return r.json(c, 200, workItemJson(item, state));
  });

  app.get(`${ITEM}/comments/`, (c) => {
    if (!r.project(c)) return r.denied(c);
    const item = r.item(c);
    return item
      ? r.page(
          c,
          state.commentsOf(item.id).map((comment) => commentJson(comment, state)),
        )
      : r.missing(c);
  });

  app.post(`${ITEM}/comments/`, async (c) => {
    if (!r.project(c)) return r.denied(c);
    const item = r.item(c);
    if (!item) return r.missing(c);
    const body = await r.body(c);
    if (!body) return r.detail(c, 400, 'JSON parse error');
    const text = (key: string) => (typeof body[key] === 'string' ? body[key] : null);
    const outcome = state.addComment({
      projectId: item.projectId,
      issueId: item.id,
      html: text('comment_html') ?? '<p></p>',
      externalId: text('external_id'),
      externalSource: text('external_source'),
      actorId: state.users.api.id,
    });
    if (outcome.type === 'created') return r.json(c, 201, commentJson(outcome.comment, state));
    const error = 'Work item comment with the same external id and external source already exists';
    return r.json(c, 409, { error, id: outcome.comment.id });
  });

  app.get('/api/v1/workspaces/:slug/work-items/:key/', (c) => {
    if (c.req.param('slug') !== r.workspace) return r.denied(c);
    // Django's `<str:project_identifier>-<str:issue_identifier>`: the last dash splits.
    const key = c.req.param('key');
    const dash = key.lastIndexOf('-');
    const sequence = key.slice(dash + 1);
    if (dash < 1 || !/^\d+$/.test(sequence)) return r.json(c, 404, { error: 'Work item not found' });
    const item = state.itemByKey(key.slice(0, dash), Number(sequence));
    return item ? r.json(c, 200, workItemJson(item, state)) : r.missing(c);
  });
}
