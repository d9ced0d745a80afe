/**
 * `/new` in a project with a tracker creates the Plane work item first, so the task takes the
 * tracker's number (no collision with issues created in Plane), carries the issue id, and the
 * issue's own webhook later is a duplicate. A tracker failure creates nothing and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import { ALICE, startBotHarness, type BotHarness } from '../support/bot-harness.ts';

const PLANE_PROJECT = '6102dd70-63e8-440e-9dd8-904f07489671';
const API_KEY = 'plane_api_0123456789abcdef0123456789abcdef';

let plane: PlaneStandin;
let h: BotHarness;

beforeAll(async () => {
  plane = await startPlaneStandin({ apiKey: API_KEY, workspace: 'acme', projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }] });
  const tracker = new PlaneClient({ baseUrl: plane.url, apiKey: API_KEY, workspace: 'acme', projectIds: { SHOP: PLANE_PROJECT }, timeoutMs: 2000 });
  h = await startBotHarness({ tracker, planeProjectId: PLANE_PROJECT });
  await h.start();
});

afterAll(async () => {
  await h.close();
  await plane.close();
});

async function reply(text: string): Promise<string> {
  const posted = await h.say(ALICE, text);
  const isAnswer = (plain: string) => plain.includes('created; its card follows') || plain.startsWith('No task created');
  const answer = await h.waitFor(
    async () => (await h.messages()).find((m) => m.from.is_bot && m.messageId > posted.messageId && isAnswer(m.plain)),
    `an answer to ${text}`,
  );
  return answer.plain;
}

describe('/new with a tracker', () => {
  it('creates the tracker issue first and takes its number', async () => {
    // Two issues already exist in Plane (made by people there): their numbers are taken.
    plane.state.createWorkItem(PLANE_PROJECT, { name: 'Older one' });
    plane.state.createWorkItem(PLANE_PROJECT, { name: 'Older two' });
    expect(await reply('/new SHOP Add a wishlist button')).toBe('🧩 SHOP-3 created; its card follows.');
    const item = plane.state.itemByKey('SHOP', 3);
    expect(item?.name).toBe('Add a wishlist button');
    expect(await h.task('SHOP-3')).toMatchObject({ source: 'plane', externalId: item?.id, title: 'Add a wishlist button' });
    // The webhook (same issue id) later makes no second task.
    const again = await h.app.engine.handle({ type: 'TaskRequested', key: 'plane:delivery-x', projectId: 'SHOP', title: 'Add a wishlist button', source: 'plane', externalId: item!.id, number: 3, actor: 'tracker' });
    expect(again).toEqual({ type: 'duplicate', taskId: 'SHOP-3' });
  });

  it('creates nothing when the tracker fails, and says so', async () => {
    plane.injectFault({ status: 503, body: { detail: 'maintenance' }, path: /work-items\/$/ }, 3);
    const answer = await reply('/new SHOP Another thing');
    expect(answer).toContain('No task created: the tracker issue could not be created');
    expect(answer).not.toMatch(/\b\w+Error:/); // the sentence, not the error's class
    expect(answer).not.toContain(API_KEY);
    expect(await h.task('SHOP-4')).toBeNull();
  });
});
