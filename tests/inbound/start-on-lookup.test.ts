/**
 * `startOn { state }` (ADR 0043) when the delivery does not name the state: Plane's v2 payloads
 * carry `state_id` only, so the inbox processor asks the tracker for the state's name before it
 * decides (and a failed lookup starts nothing rather than guess). Real SQLite and engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { planeDeliveryMapper } from '../../adapters/plane/plane-delivery.ts';
import { InboxProcessor } from '../../core/inbound/inbox-processor.ts';
import type { InboundLookups } from '../../core/inbound/inbound-lookups.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';
import { IDS, storeDelivery } from './inbound-harness.ts';

let h: EngineHarness;
afterEach(() => h.cleanup());

const ISSUE = IDS.issue_SHOP_42;
const v2 = (event: string, stateId: string, previous?: Record<string, unknown>) =>
  JSON.stringify({
    version: 'v2',
    event_id: `e-${event}-${stateId}`,
    event,
    data: { id: ISSUE, name: 'Validate coupons', description_html: '<p>Check expiry</p>', state_id: stateId, project_id: IDS.project_id, sequence_id: 42, created_by: IDS.users['priya.nair'], updated_by_id: IDS.users['priya.nair'] },
    ...(previous ? { previous_attributes: previous } : {}),
  });

function processor(lookups: InboundLookups): InboxProcessor {
  h = engineHarness({ tracker: true, project: { plane: { projectId: IDS.project_id }, startOn: { state: 'In Progress' } } });
  return new InboxProcessor({ store: h.store, engine: h.engine, projects: new Map([[h.project.id, h.project]]), clock: h.clock, logger: silentLogger, lookups, mappers: { plane: planeDeliveryMapper({ webUrl: null, workspace: null }) } });
}

const names: Record<string, { name: string; group: string }> = { [IDS.states.backlog]: { name: 'Backlog', group: 'backlog' }, [IDS.states.inprog]: { name: 'In Progress', group: 'started' } };
const taskCount = () => (h.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;

describe('startOn { state } with v2 payloads', () => {
  it('created in the backlog: no task; created in In Progress: the task, its state named by the lookup', async () => {
    const asked: string[] = [];
    const inbox = processor({ trackerState: async (_project, id) => (asked.push(id), names[id] ?? null) });
    await storeDelivery(h.store, 'plane', 'workitem.created', v2('workitem.created', IDS.states.backlog), 'd1', h.clock.now());
    await inbox.processOnce();
    expect(taskCount()).toBe(0);
    await storeDelivery(h.store, 'plane', 'workitem.updated', v2('workitem.updated', IDS.states.inprog, { state_id: IDS.states.backlog }), 'd2', h.clock.now());
    await inbox.processOnce();
    expect(asked).toEqual([IDS.states.backlog, IDS.states.inprog, IDS.states.backlog]);
    expect(h.store.sqlite.prepare('SELECT id, external_id AS externalId, description FROM tasks').all()).toEqual([{ id: 'SHOP-42', externalId: ISSUE, description: 'Check expiry' }]);
  });

  it('a state the tracker cannot name starts nothing', async () => {
    const inbox = processor({ trackerState: () => Promise.reject(new Error('503 Service Unavailable')) });
    await storeDelivery(h.store, 'plane', 'workitem.created', v2('workitem.created', IDS.states.inprog), 'd1', h.clock.now());
    await inbox.processOnce();
    expect(taskCount()).toBe(0);
  });
});
