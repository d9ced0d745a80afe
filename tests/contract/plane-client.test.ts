/**
 * Contract suite for the Plane client, run over HTTP against the Plane stand-in. Also pins the
 * stand-in's fidelity to the fixtures: response keys, cursor envelope, webhook body style and the
 * signing recipe.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import { PyFloat, pythonJson } from '../../adapters/sandbox/plane/python-json.ts';
import { PermanentError, RetryableError } from '../../core/errors.ts';
import { rejection } from '../support/rejection.ts';

const API_KEY = 'plane_api_0c8e1d3f5a7b9c2e4f6a8b0d2c4e6f81';
const PROJECT_ID = '6102dd70-63e8-440e-9dd8-904f07489671';
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const T0 = 1_772_446_800_000;

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function start(extra: Partial<Parameters<typeof startPlaneStandin>[0]> = {}): Promise<PlaneStandin> {
  return startPlaneStandin({
    apiKey: API_KEY,
    workspace: 'acme',
    projects: [{ id: PROJECT_ID, identifier: 'SHOP' }],
    ...extra,
  });
}

function clientFor(
  plane: PlaneStandin,
  extra: Partial<ConstructorParameters<typeof PlaneClient>[0]> = {},
): PlaneClient {
  return new PlaneClient({
    baseUrl: plane.url,
    apiKey: API_KEY,
    workspace: 'acme',
    projectIds: { SHOP: PROJECT_ID },
    timeoutMs: 2000,
    ...extra,
  });
}

describe('PlaneClient against the Plane stand-in', () => {
  let plane: PlaneStandin;
  let client: PlaneClient;

  beforeEach(async () => {
    plane = await start();
    client = clientFor(plane);
  });
  afterEach(async () => {
    await plane.close();
  });

  describe('states', () => {
    it("lists Plane's default states by sequence (triage hidden) and caches them per project", async () => {
      const states = await client.states(PROJECT_ID);
      expect(states.map((s) => [s.name, s.group])).toEqual([
        ['Backlog', 'backlog'],
        ['Todo', 'unstarted'],
        ['In Progress', 'started'],
        ['Done', 'completed'],
        ['Cancelled', 'cancelled'],
      ]);
      expect(states[0]?.isDefault).toBe(true);
      await client.states(PROJECT_ID);
      expect(plane.requests.filter((r) => r.path.endsWith('/states/'))).toHaveLength(1);
    });

    it('picks the first state of a group by sequence, whatever its name', async () => {
      plane.state.addState(PROJECT_ID, { name: 'In Review', group: 'started', sequence: 40000 });
      plane.state.addState(PROJECT_ID, { name: 'Ready', group: 'started', sequence: 30000 });
      expect((await client.stateForGroup(PROJECT_ID, 'started'))?.name).toBe('Ready');
      expect((await client.stateForGroup(PROJECT_ID, 'completed'))?.name).toBe('Done');
      expect(await client.stateForGroup(PROJECT_ID, 'triage')).toBeNull();
    });

    it('stateById reloads once when a state was added after the cache was filled', async () => {
      await client.states(PROJECT_ID);
      const review = plane.state.addState(PROJECT_ID, {
        name: 'In Review',
        group: 'started',
        sequence: 40000,
      });
      expect((await client.stateById(PROJECT_ID, review.id))?.name).toBe('In Review');
      expect(await client.stateById(PROJECT_ID, '00000000-0000-4000-8000-000000000000')).toBeNull();
    });
  });

  describe('work items', () => {
    it('creates a work item and returns its id and sequence id; an unmapped project is refused', async () => {
      plane.state.createWorkItem(PROJECT_ID, { name: 'made in Plane' });
      const created = await client.createIssue('SHOP', 'Made from the chat');
      expect(created.sequenceId).toBe(2);
      expect(await client.workItemByKey('SHOP-2')).toMatchObject({
        id: created.issueId,
        name: 'Made from the chat',
      });
      await expect(client.createIssue('NOPE', 'x')).rejects.toBeInstanceOf(PermanentError);
    });

    it('reads a work item by key and by id; missing ones are null', async () => {
      plane.state.createWorkItem(PROJECT_ID, { name: 'first' });
      const item = plane.state.createWorkItem(PROJECT_ID, {
        name: 'Validate coupons',
        priority: 'high',
        labels: ['agent'],
      });

      const byKey = await client.workItemByKey('SHOP-2');
      expect(byKey).toMatchObject({
        id: item.id,
        sequenceId: 2,
        name: 'Validate coupons',
        priority: 'high',
        projectId: PROJECT_ID,
      });
      expect(byKey?.labelIds).toEqual(item.labelIds);
      expect(plane.requests.at(-1)?.path).toBe('/api/v1/workspaces/acme/work-items/SHOP-2/');
      expect((await client.workItem(PROJECT_ID, item.id))?.stateId).toBe(item.stateId);

      expect(await client.workItemByKey('SHOP-99')).toBeNull();
      expect(await client.workItem(PROJECT_ID, '00000000-0000-4000-8000-000000000000')).toBeNull();
      await expect(client.workItemByKey('SHOP 2')).rejects.toBeInstanceOf(PermanentError);
    });

    it('walks 4 pages via next_cursor and stops when next_page_results is false', async () => {
      const made = Array.from({ length: 7 }, (_, i) =>
        plane.state.createWorkItem(PROJECT_ID, { name: `item ${i + 1}` }),
      );
      const items = await collect(client.listWorkItems(PROJECT_ID, { perPage: 2 }));

      expect(items.map((i) => i.id)).toEqual(made.map((m) => m.id).reverse());
      const pages = plane.requests.filter((r) => r.path.endsWith('/work-items/'));
      expect(pages.map((r) => new URLSearchParams(r.query).get('cursor'))).toEqual([
        null,
        '2:1:0',
        '2:2:0',
        '2:3:0',
      ]);
      expect(pages.every((r) => new URLSearchParams(r.query).get('per_page') === '2')).toBe(true);

      // The last page still offers a next_cursor: a client looping on it would never stop.
      const last = await fetch(
        `${plane.url}/api/v1/workspaces/acme/projects/${PROJECT_ID}/work-items/?per_page=2&cursor=2:3:0`,
        {
          headers: { 'X-API-Key': API_KEY },
        },
      );
      expect(await last.json()).toMatchObject({ next_cursor: '2:4:0', next_page_results: false, count: 1 });
    });
  });

  describe('comment', () => {
    it('posts once per external id; a repeat is a 409 the client treats as success', async () => {
      const item = plane.state.createWorkItem(PROJECT_ID, { name: 'x' });
      const first = await client.postComment(
        'SHOP',
        item.id,
        'SHOP-42:approval:1',
        '<p>Approved by Alice</p>',
      );
      const again = await client.postComment(
        'SHOP',
        item.id,
        'SHOP-42:approval:1',
        '<p>Approved by Alice</p>',
      );
      await client.comment('SHOP', item.id, 'SHOP-42:approval:1', '<p>Approved by Alice</p>');

      expect(first.type).toBe('created');
      expect(again).toEqual({ type: 'duplicate', id: first.id });
      expect(plane.state.commentsOf(item.id)).toEqual([
        expect.objectContaining({
          html: '<p>Approved by Alice</p>',
          externalId: 'SHOP-42:approval:1',
          externalSource: 'conveyor',
        }),
      ]);
    });

    it('refuses a project with no Plane mapping', async () => {
      const error = await rejection(
        client.comment('BLOG', '00000000-0000-4000-8000-000000000000', 'x', '<p/>'),
      );
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe('project BLOG has no Plane project configured');
    });
  });

  describe('moveToGroup', () => {
    it("PATCHes the group's state uuid, and leaves an item already in that group alone", async () => {
      const item = plane.state.createWorkItem(PROJECT_ID, { name: 'x', state: 'Todo' });
      const inProgress = plane.state.findState(PROJECT_ID, 'In Progress')!;

      expect(await client.moveItemToGroup('SHOP', item.id, 'started')).toEqual({
        type: 'moved',
        fromStateId: plane.state.findState(PROJECT_ID, 'Todo')!.id,
        toStateId: inProgress.id,
      });
      expect(plane.state.items.get(item.id)?.stateId).toBe(inProgress.id);

      const review = plane.state.addState(PROJECT_ID, {
        name: 'In Review',
        group: 'started',
        sequence: 40000,
      });
      plane.state.moveWorkItem(item.id, review.id);
      const patches = () => plane.requests.filter((r) => r.method === 'PATCH').length;
      await client.moveToGroup('SHOP', item.id, 'started');
      expect(patches()).toBe(1);
      expect(plane.state.items.get(item.id)?.stateId).toBe(review.id);

      await client.moveToGroup('SHOP', item.id, 'completed');
      expect(plane.state.items.get(item.id)).toMatchObject({
        stateId: plane.state.findState(PROJECT_ID, 'Done')!.id,
      });
      expect(plane.state.items.get(item.id)?.completedAt).not.toBeNull();
    });
  });

  describe('me', () => {
    it("names the key's own user, the actor of every change the client makes", async () => {
      const me = await client.me();
      expect(me).toEqual({ id: plane.state.users.api.id, displayName: plane.state.users.api.display_name });
      expect(plane.requests.at(-1)?.path).toBe('/api/v1/users/me/');

      const item = plane.state.createWorkItem(PROJECT_ID, { name: 'Moved by the API' });
      const sent: string[] = [];
      plane.state.onActivity = (activity) => void sent.push(activity.actor.id);
      await client.moveToGroup('SHOP', item.id, 'started');
      expect(sent).toEqual([me.id]);
    });

    it('maps a wrong key to a PermanentError without the key', async () => {
      const error = await rejection(clientFor(plane, { apiKey: `${API_KEY}x` }).me());
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe("reading the API key's user: 403 Given API token is not valid");
      expect(error.message).not.toContain(API_KEY);
    });
  });

  describe('failures', () => {
    it('maps a wrong key (DRF 403) to a PermanentError without the key', async () => {
      const wrong = `${API_KEY}x`;
      const error = await rejection(clientFor(plane, { apiKey: wrong }).states(PROJECT_ID));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toBe(`listing states of project ${PROJECT_ID}: 403 Given API token is not valid`);
      expect(error.message).not.toContain(API_KEY);
    });

    it('maps a failed state load to an error and does not cache it', async () => {
      plane.injectFault({ status: 502, body: '<html>Bad Gateway</html>' });
      await expect(client.states(PROJECT_ID)).rejects.toBeInstanceOf(RetryableError);
      expect(await client.states(PROJECT_ID)).toHaveLength(5);
    });

    it('gives up on a route that never answers after timeoutMs, as a RetryableError', async () => {
      plane.injectFault({ hang: true, path: /\/work-items\// });
      const error = await rejection(clientFor(plane, { timeoutMs: 150 }).workItemByKey('SHOP-1'));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toBe('reading work item SHOP-1: no answer within 150 ms');
    });

    it('honours X-RateLimit-Reset (epoch seconds) on a 429 that carries no Retry-After', async () => {
      plane.injectFault({
        status: 429,
        body: { detail: 'slow down' },
        headers: { 'X-RateLimit-Reset': String(T0 / 1000 + 42) },
      });
      const error = (await rejection(
        clientFor(plane, { now: () => T0 }).workItemByKey('SHOP-1'),
      )) as RetryableError;
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.retryAfterMs).toBe(42_000);
      expect(error.message).toBe('reading work item SHOP-1: 429 slow down');
    });
  });
});

describe('Plane stand-in throttle', () => {
  it('counts requests per key, reports the budget, then answers 429 with the wait', async () => {
    const plane = await start({ rateLimit: { limit: 3 }, now: () => T0 });
    try {
      const seen: [string | null, string | null][] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${plane.url}/api/v1/workspaces/acme/work-items/SHOP-1/`, {
          headers: { 'X-API-Key': API_KEY },
        });
        expect(response.status).toBe(404);
        seen.push([response.headers.get('x-ratelimit-remaining'), response.headers.get('x-ratelimit-reset')]);
      }
      const reset = String(T0 / 1000 + 60);
      expect(seen).toEqual([
        ['2', reset],
        ['1', reset],
        ['0', reset],
      ]);

      const error = (await rejection(
        clientFor(plane, { now: () => T0 }).workItemByKey('SHOP-1'),
      )) as RetryableError;
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.retryAfterMs).toBe(60_000);
      expect(error.message).toBe(
        'reading work item SHOP-1: 429 Request was throttled. Expected available in 60 seconds.',
      );
    } finally {
      await plane.close();
    }
  });
});

describe('Plane stand-in fidelity to the fixtures', () => {
  let plane: PlaneStandin;
  let receiver: WebhookReceiver;
  let received: WebhookReceiver['received'];
  let target: string;
  const get = async (pathAndQuery: string) => {
    const response = await fetch(
      `${plane.url}/api/v1/workspaces/acme/projects/${PROJECT_ID}${pathAndQuery}`,
      { headers: { 'X-API-Key': API_KEY } },
    );
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    received = receiver.received;
    target = `${receiver.url}/webhooks/plane`;
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    plane = await start();
  });
  afterEach(async () => {
    await plane.close();
  });

  it('answers the states list with the keys of plane-states-list.json', async () => {
    const expected = await fixture('plane-states-list.json');
    const { text } = await get('/states/?per_page=100');
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(expected));
    const [mine, theirs] = [body.results as object[], expected.results as object[]];
    expect(Object.keys(mine[0]!)).toEqual(Object.keys(theirs[0]!));
    expect(body).toMatchObject({
      next_cursor: '100:1:0',
      prev_cursor: '100:-1:1',
      next_page_results: false,
      count: 5,
    });
    expect(text).toContain('"sequence":15000.0,');
  });

  it('answers work-item pages with the keys and cursors of plane-issues-page1/2.json', async () => {
    for (let i = 0; i < 5; i++) plane.state.createWorkItem(PROJECT_ID, { name: `item ${i}` });
    const envelope = (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'results'));
    for (const [query, name] of [
      ['?per_page=3', 'plane-issues-page1.json'],
      ['?per_page=3&cursor=3:1:0', 'plane-issues-page2.json'],
    ] as const) {
      const expected = await fixture(name);
      const body = JSON.parse((await get(`/work-items/${query}`)).text) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(Object.keys(expected));
      expect(envelope(body)).toEqual(envelope(expected));
      expect(Object.keys((body.results as object[])[0]!)).toEqual(
        Object.keys((expected.results as object[])[0]!),
      );
    }
  });

  it("answers Django's 404 page for a path without its trailing slash", async () => {
    const response = await get('/states');
    expect(response.status).toBe(404);
    expect(response.text).toContain('<h1>Not Found</h1>');
  });

  it.each(['plane-issue-created', 'plane-issue-updated-state'])(
    '%s: signature is HMAC-SHA256 of the exact body under test-secret',
    async (name) => {
      const body = await readFile(path.join(FIXTURES, `${name}.json`));
      const headers = (await fixture(`${name}.headers.json`)) as Record<string, string>;
      expect(headers['X-Plane-Signature']).toBe(
        createHmac('sha256', 'test-secret').update(body).digest('hex'),
      );
      // The stand-in's serialiser reproduces Python's json.dumps bytes (sort_order is a float).
      const parsed = JSON.parse(body.toString('utf8')) as { data: Record<string, unknown> };
      parsed.data.sort_order = new PyFloat(parsed.data.sort_order as number);
      expect(pythonJson(parsed, 'dumps')).toBe(body.toString('utf8'));
    },
  );

  it('sends signed issue webhooks shaped like the fixtures: UI moves as state_id, API moves as state', async () => {
    const expected = (await fixture('plane-issue-updated-state.json')) as Record<
      string,
      Record<string, unknown>
    >;
    plane.addWebhook(target, 'plane_wh_secret');
    const item = plane.state.createWorkItem(PROJECT_ID, {
      name: 'Café ✓ 😀',
      state: 'Todo',
      labels: ['backend'],
    });
    plane.state.moveWorkItem(item.id, 'In Progress');
    await clientFor(plane).moveToGroup('SHOP', item.id, 'completed');
    await plane.webhooksIdle();

    const bodies = received.slice(-3);
    expect(bodies).toHaveLength(3);
    for (const got of bodies) {
      expect(got.headers['x-plane-signature']).toBe(
        createHmac('sha256', 'plane_wh_secret').update(got.body).digest('hex'),
      );
      expect(got.headers['x-plane-event']).toBe('issue');
      expect(got.headers['x-plane-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(got.body.toString('latin1')).toMatch(/^[\x20-\x7e]*$/);
    }
    const [created, uiMove, apiMove] = bodies.map(
      (b) => JSON.parse(b.body.toString('utf8')) as Record<string, Record<string, unknown>>,
    );
    expect(Object.keys(uiMove!)).toEqual(Object.keys(expected));
    expect(Object.keys(uiMove!.data!)).toEqual(Object.keys(expected.data!));
    expect(Object.keys(uiMove!.activity!)).toEqual(Object.keys(expected.activity!));
    expect(Object.keys(uiMove!.activity!.actor as object)).toEqual(
      Object.keys(expected.activity!.actor as object),
    );

    expect(created).toMatchObject({ action: 'created', activity: { field: null } });
    expect(uiMove).toMatchObject({
      action: 'updated',
      activity: { field: 'state_id', actor: { id: plane.state.users.ui.id } },
    });
    expect(uiMove!.data).toMatchObject({
      name: 'Café ✓ 😀',
      state: { name: 'In Progress', group: 'started' },
    });
    expect(apiMove).toMatchObject({
      activity: { field: 'state', actor: { id: plane.state.users.api.id } },
      data: { state: { group: 'completed' } },
    });

    const text = bodies[1]!.body.toString('utf8');
    expect(text).toContain('"name": "Caf\\u00e9 \\u2713 \\ud83d\\ude00"');
    expect(text).toContain('"sort_order": 65535.0, ');
  });
});
