import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapPlaneDelivery, planeDeliveryMapper } from '../../../adapters/plane/plane-delivery.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
type Json = Record<string, unknown>;
interface Ids {
  workspace_id: string;
  project_id: string;
  webhook_id: string;
  issue_SHOP_42: string;
  users: Record<string, string>;
  states: Record<'todo' | 'inprog' | 'review', string>;
  labels: Record<'backend' | 'bug', string>;
}
const read = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const load = (name: string) => read(`${name}.json`) as Json;
const IDS = read('_ids.json') as Ids;
const ISSUE = IDS.issue_SHOP_42;
const PROJECT = IDS.project_id;
const PRIYA = IDS.users['priya.nair']!;
const dataOf = (payload: Json) => payload['data'] as Json;

function withActivity(base: Json, activity: Json): Json {
  return { ...base, activity: { ...(base['activity'] as Json), ...activity } };
}

describe('mapPlaneDelivery: v1 fixtures', () => {
  it('issue created → a tracker-neutral tracker-issue: label names, the expanded state, text description', () => {
    expect(mapPlaneDelivery('issue', load('plane-issue-created'))).toEqual({
      type: 'tracker-issue',
      tracker: 'plane',
      scope: PROJECT,
      issueId: ISSUE,
      number: 42,
      title: 'Validate coupon codes at checkout',
      description:
        'Apply coupon validation rules (expiry, usage limit, minimum basket) before payment is captured. Reject invalid coupons with a clear error.',
      labels: ['backend'],
      state: { id: IDS.states.todo, name: 'Todo', group: 'unstarted' },
      createdBy: '781b9a43-d04c-450b-8620-f0877e5fe381',
      url: null,
      actor: { id: PRIYA, name: 'priya.nair', throughApi: false },
    });
  });

  it('the registered mapper links the work item under PLANE_WEB_URL', () => {
    const mapper = planeDeliveryMapper({ webUrl: 'https://plane.acme.test', workspace: 'acme' });
    expect(mapper('issue', load('plane-issue-created'))).toMatchObject({ url: `https://plane.acme.test/acme/projects/${PROJECT}/issues/${ISSUE}` });
  });

  it('issue updated with field state_id (UI) → tracker-state-changed', () => {
    expect(mapPlaneDelivery('issue', load('plane-issue-updated-state'))).toMatchObject({
      type: 'tracker-state-changed',
      tracker: 'plane',
      scope: PROJECT,
      issueId: ISSUE,
      number: 42,
      title: 'Validate coupon codes at checkout',
      to: { id: IDS.states.inprog, name: 'In Progress', group: 'started' },
      fromStateId: IDS.states.todo,
      actor: { id: PRIYA, throughApi: false },
    });
  });
});

describe('mapPlaneDelivery: v1 variants', () => {
  const updated = load('plane-issue-updated-state');

  it('field state (API v1 PATCH) counts as a state change too', () => {
    expect(mapPlaneDelivery('issue', withActivity(updated, { field: 'state' }))).toMatchObject({ type: 'tracker-state-changed', to: { id: IDS.states.inprog }, actor: { throughApi: true } });
  });

  it('a change of any other field is ignored (one webhook per changed field)', () => {
    const fact = mapPlaneDelivery('issue', withActivity(updated, { field: 'priority', new_value: 'urgent', old_value: 'high' }));
    expect(fact).toMatchObject({ type: 'ignored', reason: expect.stringContaining('priority') });
  });

  it('data serialised later than the change does not lend its state name to the new state', () => {
    const fact = mapPlaneDelivery('issue', withActivity(updated, { new_value: IDS.states.review }));
    expect(fact).toMatchObject({ type: 'tracker-state-changed', to: { id: IDS.states.review, name: null, group: null } });
  });

  it('a state change without new_value takes the state from data', () => {
    expect(mapPlaneDelivery('issue', withActivity(updated, { new_value: null }))).toMatchObject({ to: { id: IDS.states.inprog, group: 'started' } });
  });

  it('an unknown state group is reported as null, not passed through', () => {
    const data = { ...dataOf(updated), state: { ...(dataOf(updated)['state'] as Json), group: 'weird' } };
    expect(mapPlaneDelivery('issue', { ...updated, data })).toMatchObject({ to: { group: null, name: 'In Progress' } });
  });

  it('the old documented action spellings (create/update) are accepted', () => {
    expect(mapPlaneDelivery('issue', { ...load('plane-issue-created'), action: 'create' })).toMatchObject({ type: 'tracker-issue' });
    expect(mapPlaneDelivery('issue', { ...updated, action: 'update' })).toMatchObject({ type: 'tracker-state-changed' });
  });

  it.each([
    ['deleted', { action: 'deleted', data: { id: ISSUE } }],
    ['no project', { data: { ...dataOf(load('plane-issue-created')), project: null } }],
    ['no data', { data: null }],
  ])('an issue %s is ignored', (_label, change) => {
    expect(mapPlaneDelivery('issue', { ...load('plane-issue-created'), ...change })).toMatchObject({ type: 'ignored' });
  });

  it.each(['project', 'cycle', 'module', 'issue_comment'])('event %s is ignored', (event) => {
    expect(mapPlaneDelivery(event, { ...load('plane-issue-created'), event })).toMatchObject({ type: 'ignored' });
  });
});

describe('mapPlaneDelivery: v2 payloads', () => {
  const v2Data = {
    id: ISSUE,
    name: 'Validate coupon codes at checkout',
    state_id: IDS.states.inprog,
    label_ids: [IDS.labels.backend, IDS.labels.bug],
    project_id: PROJECT,
    sequence_id: 42,
    workspace_id: IDS.workspace_id,
    updated_by_id: PRIYA,
    parent_id: 'None',
    description_html: '<p>x</p>',
  };
  const v2 = (event: string, previous: Json = {}): Json => ({
    version: 'v2',
    delivery_id: 'd-1',
    event_id: 'e-1',
    entity_id: ISSUE,
    entity_type: 'issue',
    event,
    webhook_id: IDS.webhook_id,
    workspace_id: IDS.workspace_id,
    data: v2Data,
    previous_attributes: previous,
  });

  it('workitem.created → tracker-issue without label names (v2 carries ids only) or a state name', () => {
    expect(mapPlaneDelivery('workitem.created', v2('workitem.created'))).toEqual({
      type: 'tracker-issue',
      tracker: 'plane',
      scope: PROJECT,
      issueId: ISSUE,
      number: 42,
      title: 'Validate coupon codes at checkout',
      description: 'x',
      labels: [],
      state: { id: IDS.states.inprog, name: null, group: null },
      createdBy: null,
      url: null,
      actor: null,
    });
  });

  it('workitem.updated with state_id in previous_attributes → tracker-state-changed', () => {
    expect(mapPlaneDelivery('workitem.updated', v2('workitem.updated', { state_id: IDS.states.todo }))).toMatchObject({
      type: 'tracker-state-changed',
      scope: PROJECT,
      issueId: ISSUE,
      number: 42,
      title: 'Validate coupon codes at checkout',
      to: { id: IDS.states.inprog, name: null, group: null },
      fromStateId: IDS.states.todo,
      actor: { id: PRIYA, name: null, throughApi: false },
    });
  });

  it('workitem.updated of other fields is ignored', () => {
    expect(mapPlaneDelivery('workitem.updated', v2('workitem.updated', { last_activity_at: '2026-03-31' }))).toMatchObject({ type: 'ignored' });
  });

  it('the enum spelling WebhookScope.ScopeChoices.WORK_ITEM_UPDATED is understood', () => {
    const payload = v2('WebhookScope.ScopeChoices.WORK_ITEM_UPDATED', { state_id: IDS.states.todo });
    expect(mapPlaneDelivery('WebhookScope.ScopeChoices.WORK_ITEM_UPDATED', payload)).toMatchObject({ type: 'tracker-state-changed' });
  });

  it('an empty event header falls back to the body event', () => {
    expect(mapPlaneDelivery('', v2('workitem.created'))).toMatchObject({ type: 'tracker-issue' });
  });

  it('"None" strings are treated as missing values', () => {
    const payload = v2('workitem.updated', { state_id: 'None' });
    expect(mapPlaneDelivery('workitem.updated', { ...payload, data: { ...v2Data, updated_by_id: 'None' } })).toMatchObject({ fromStateId: null, actor: { id: null } });
  });

  it.each(['workitem.deleted', 'workitem.comment.created', 'workitem.archived'])('%s is ignored', (event) => {
    expect(mapPlaneDelivery(event, v2(event))).toMatchObject({ type: 'ignored' });
  });
});

describe('mapPlaneDelivery: robustness', () => {
  it.each([null, 1, 'issue', [], true])('a non-object payload (%j) is ignored', (payload) => {
    expect(mapPlaneDelivery('issue', payload)).toMatchObject({ type: 'ignored' });
  });

  it('never throws on any JSON or any fixture with fields removed or replaced', () => {
    const fixtures = [load('plane-issue-created'), load('plane-issue-updated-state')];
    fc.assert(
      fc.property(
        fc.constantFrom('issue', 'workitem.created', 'workitem.updated', '', 'project'),
        fc.oneof(
          fc.jsonValue(),
          fc
            .tuple(fc.constantFrom(...fixtures), fc.dictionary(fc.constantFrom('action', 'event', 'data', 'activity', 'previous_attributes', 'workspace_id'), fc.jsonValue()))
            .map(([base, patch]) => ({ ...base, ...patch })),
        ),
        (event, payload) => {
          const fact = mapPlaneDelivery(event, payload);
          expect(['tracker-issue', 'tracker-state-changed', 'ignored']).toContain(fact.type);
          if (fact.type === 'tracker-issue') expect(fact.labels.every((l) => typeof l === 'string')).toBe(true);
          if (fact.type === 'tracker-state-changed') expect(typeof fact.to.id).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
