/**
 * The tracker side's parts: the budgeted walk's rotation and error handling, and the Plane reader (page, cursor and call counting against the stand-in; labels against a server answering
 * Plane's label list).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../adapters/http-client/http-client.ts';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { planeLabelNames } from '../../adapters/plane/plane-label-names.ts';
import { PlaneTrackerReader } from '../../adapters/plane/plane-tracker-reader.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import type { TrackerIssue, TrackerReader } from '../../core/ports/tracker-reader.ts';
import { TrackerWalk } from '../../core/reconciler/tracker-walk.ts';
import { PLANE_KEY, PLANE_PROJECT } from '../support/reconciler-harness.ts';

/** An in-memory reader: `pages` per project, recording each call. */
function memoryReader(pages: Record<string, number>, calls: string[]): TrackerReader {
  return {
    async issuesPage(projectId, cursor) {
      const page = Number(cursor ?? 0);
      calls.push(`${projectId}:${page}`);
      const issue: TrackerIssue = { id: `${projectId}-${page}`, sequenceId: page + 1, title: 't', descriptionHtml: '', state: { name: 'Todo', group: 'unstarted' }, labels: [], createdAt: 0, updatedAt: 0, url: null };
      return { issues: [issue], next: page + 1 < (pages[projectId] ?? 1) ? String(page + 1) : null, calls: 1 };
    },
  };
}

describe('the budgeted walk', () => {
  it('never exceeds the budget, rotates the first project, resumes cut walks, and a dry run moves nothing', async () => {
    const calls: string[] = [];
    const walk = new TrackerWalk(memoryReader({ A: 3, B: 1, C: 1 }, calls), ['A', 'B', 'C'], 2);
    const first = await walk.read(false);
    expect(calls).toEqual(['A:0', 'A:1']);
    expect(first.get('A')).toMatchObject({ type: 'read', complete: false });
    expect(first.get('B')).toEqual({ type: 'unread' });

    calls.length = 0;
    const dry = await walk.read(true);
    expect(calls).toEqual(['B:0', 'C:0']);
    expect(dry.get('A')).toEqual({ type: 'unread' });

    calls.length = 0;
    const second = await walk.read(false);
    expect(calls).toEqual(['B:0', 'C:0']);
    expect(second.get('B')).toMatchObject({ type: 'read', complete: true });

    calls.length = 0;
    await walk.read(false);
    expect(calls).toEqual(['C:0', 'A:2']);
    calls.length = 0;
    const fourth = await walk.read(false);
    expect(calls).toEqual(['A:0', 'A:1']);
    expect(fourth.get('A')).toMatchObject({ type: 'read', complete: false });
  });

  it('an error spoils the project for the pass and the walk retries the same page next time', async () => {
    let fail = true;
    const calls: string[] = [];
    const inner = memoryReader({ A: 2 }, calls);
    const reader: TrackerReader = {
      issuesPage: async (projectId, cursor) => {
        if (cursor === '1' && fail) throw new Error('502 Bad Gateway');
        return inner.issuesPage(projectId, cursor);
      },
    };
    const walk = new TrackerWalk(reader, ['A'], 10);
    expect((await walk.read(false)).get('A')).toEqual({ type: 'error', reason: '502 Bad Gateway' });
    fail = false;
    const view = (await walk.read(false)).get('A');
    expect(view).toMatchObject({ type: 'read', complete: true });
    expect(calls).toEqual(['A:0', 'A:0', 'A:1']);
  });
});

let plane: PlaneStandin | null = null;
let server: Server | null = null;
afterEach(async () => {
  await plane?.close();
  plane = null;
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

describe('the Plane reader', () => {
  it('reads a page with resolved states, follows the cursor, and counts every request it makes', async () => {
    plane = await startPlaneStandin({ apiKey: PLANE_KEY, workspace: 'acme', projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }], rateLimit: { limit: 1000 } });
    const a = plane.state.createWorkItem(PLANE_PROJECT, { name: 'A', labels: ['agent'] });
    plane.state.createWorkItem(PLANE_PROJECT, { name: 'B', state: 'In Progress' });
    plane.state.createWorkItem(PLANE_PROJECT, { name: 'C', state: 'Done' });
    const options = { baseUrl: plane.url, apiKey: PLANE_KEY, workspace: 'acme', projectIds: { SHOP: PLANE_PROJECT } };
    let labelLoads = 0;
    const state = plane.state;
    const reader = new PlaneTrackerReader({
      ...options,
      client: new PlaneClient(options),
      perPage: 2,
      labelNames: async (pid) => (labelLoads++, new Map([...state.project(pid).labels.values()].map((l) => [l.id, l.name]))),
    });
    const first = await reader.issuesPage('SHOP', null);
    expect(first.issues.map((i) => [i.title, i.state?.name])).toEqual([['C', 'Done'], ['B', 'In Progress']]);
    expect(first.calls).toBe(2); // the page and the states list
    expect(first.next).toBe('2:1:0');
    const second = await reader.issuesPage('SHOP', first.next);
    expect(second).toMatchObject({ next: null, calls: 2 }); // the page and the labels
    expect(second.issues[0]).toMatchObject({ id: a.id, sequenceId: a.sequenceId, title: 'A', labels: ['agent'], state: { name: 'Backlog', group: 'backlog' }, url: null });
    expect(second.issues[0]!.updatedAt).toBe(Date.parse(a.updatedAt));
    // A state added later is learnt with one more request, counted.
    plane.state.addState(PLANE_PROJECT, { name: 'Needs Input', group: 'started' });
    plane.state.moveWorkItem(a.id, 'Needs Input');
    const again = await reader.issuesPage('SHOP', first.next);
    expect(again.calls).toBe(2);
    expect(again.issues[0]!.state).toEqual({ name: 'Needs Input', group: 'started' });
    expect(labelLoads).toBe(1);
    await expect(reader.issuesPage('OTHER', null)).rejects.toThrow('reading issues of OTHER: no Plane project configured');
  });

  it('reads label names page by page from Plane’s label list', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      seen.push(`${req.url} ${String(req.headers['x-api-key'])}`);
      const url = new URL(req.url ?? '/', 'http://x');
      const second = url.searchParams.get('cursor') === '100:1:0';
      const results = second ? [{ id: 'l2', name: 'ui' }] : [{ id: 'l1', name: 'agent' }];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ next_cursor: second ? '100:2:0' : '100:1:0', next_page_results: !second, results }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const http = new HttpClient({ baseUrl: `http://127.0.0.1:${port}/api/v1/workspaces/acme`, headers: { 'X-API-Key': 'k' } });
    const names = await planeLabelNames(http)('p1');
    expect([...names]).toEqual([['l1', 'agent'], ['l2', 'ui']]);
    expect(seen).toEqual(['/api/v1/workspaces/acme/projects/p1/labels/?per_page=100 k', '/api/v1/workspaces/acme/projects/p1/labels/?per_page=100&cursor=100%3A1%3A0 k']);
  });
});
