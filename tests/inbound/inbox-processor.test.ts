/**
 * The inbox processor over a real SQLite file and the real engine: every webhook fixture (and the
 * variants issue 4 names) becomes the right engine effect in one transaction with the row's
 * "processed" mark; a failure is recorded on the row and retried with backoff; a replay is a no-op.
 */
import { mapGiteaDelivery } from '../../adapters/gitea/gitea-facts.ts';
import { planeDeliveryMapper } from '../../adapters/plane/plane-delivery.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../core/domain/events.ts';
import { deployDecisionRight } from '../../core/deploy/deploy-approvers.ts';
import { Engine } from '../../core/engine/engine.ts';
import { requesterIdOf } from '../../core/engine/handlers/on-deploy-approval.ts';
import type { EngineOutcome } from '../../core/engine/outcome.ts';
import { InboxProcessor } from '../../core/inbound/inbox-processor.ts';
import type { InboundLookups } from '../../core/inbound/inbound-lookups.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { statusesFor } from '../../core/store/ci-status-repo.ts';
import type { Tx } from '../../core/store/store.ts';
import { transitionsOf } from '../../core/store/transition-log.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';
import {
  A1,
  A3,
  IDS,
  TASK,
  finishAgent,
  fixtureText,
  inboxRow,
  requestTask,
  storeDelivery,
  toApproval,
  toAwaitingCi,
  toMerging,
} from './inbound-harness.ts';

const WEB = { webUrl: 'https://plane.acme.test', workspace: 'acme' };

let h: EngineHarness;
let seen: { event: DomainEvent; outcome: EngineOutcome }[];
afterEach(() => h.cleanup());

function setup(
  options: { project?: Record<string, unknown>; lookups?: InboundLookups; engine?: Engine } = {},
): InboxProcessor {
  h = engineHarness({
    forge: true,
    tracker: true,
    project: {
      plane: { projectId: IDS.project_id },
      stages: ['analysis', 'development', 'review', 'testing'],
      ...options.project,
    },
  });
  seen = [];
  h.engine.onHandled((event, outcome) => void seen.push({ event, outcome }));
  return new InboxProcessor({
    store: h.store,
    engine: options.engine ?? h.engine,
    projects: new Map([[h.project.id, h.project]]),
    clock: h.clock,
    logger: silentLogger,
    lookups: options.lookups ?? {},
    mappers: { gitea: mapGiteaDelivery, plane: planeDeliveryMapper(WEB) },
  });
}

/** Let the engine's listeners hear of everything handled so far, then forget it. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  seen = [];
}

function taskCount(): number {
  return (h.store.sqlite.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
}

async function deliver(source: 'gitea' | 'plane', event: string, payload: string, deliveryId: string): Promise<number> {
  return await storeDelivery(h.store, source, event, payload, deliveryId, h.clock.now());
}

/** Store a delivery, run one pass, and return what the engine was handed. */
async function process(
  processor: InboxProcessor,
  source: 'gitea' | 'plane',
  event: string,
  payload: string,
  deliveryId: string,
) {
  const id = await deliver(source, event, payload, deliveryId);
  await settle();
  const pass = await processor.processOnce();
  return { id, pass, events: seen.map((s) => s.event), outcomes: seen.map((s) => s.outcome) };
}

function stateChange(
  name: string,
  group: string,
  options: { oldState?: string; field?: string; actor?: string } = {},
): string {
  return fixtureText('plane-issue-updated-state', (body) => {
    body.data.state = { id: 'new-state-id', name, color: '#000000', group };
    body.activity.new_value = 'new-state-id';
    body.activity.old_value = options.oldState ?? IDS.states.todo;
    body.activity.field = options.field ?? 'state_id';
    if (options.actor) body.activity.actor.id = options.actor;
  });
}

describe('Plane deliveries', () => {
  it('issue created → TaskRequested: SHOP-<sequence_id>, text description, tracker link, analyst queued', async () => {
    const processor = setup();
    const { id, pass, events } = await process(
      processor,
      'plane',
      'issue',
      fixtureText('plane-issue-created'),
      'd-created',
    );
    expect(pass).toEqual({ processed: 1, failed: 0 });
    expect(events).toMatchObject([
      {
        type: 'TaskRequested',
        key: 'inbox:plane:d-created',
        number: 42,
        source: 'plane',
        actor: 'plane:priya.nair',
      },
    ]);
    expect(await h.task(TASK)).toMatchObject({
      title: 'Validate coupon codes at checkout',
      description:
        'Apply coupon validation rules (expiry, usage limit, minimum basket) before payment is captured. Reject invalid coupons with a clear error.',
      externalId: IDS.issue_SHOP_42,
      externalUrl: `https://plane.acme.test/acme/projects/${IDS.project_id}/issues/${IDS.issue_SHOP_42}`,
      stage: 'analysis',
    });
    expect((await h.queue.activeForTask(TASK)).map((j) => j.idempotencyKey)).toEqual(['SHOP-42:agent:analyst:1']);
    expect((await transitionsOf(h.store.db, TASK))[0]?.eventKey).toBe('inbox:plane:d-created');
    expect(inboxRow(h.store, id)).toMatchObject({ processedAt: h.clock.now(), error: null });
  });

  it("the tracker issue's creator is the task's requester, mapped to Telegram for deploy four-eyes (ADR 0035)", async () => {
    const creator = '781b9a43-d04c-450b-8620-f0877e5fe381'; // the fixture's created_by (Priya)
    const processor = setup({ project: { plane: { projectId: IDS.project_id, people: { [creator]: 333 } } } });
    await process(processor, 'plane', 'issue', fixtureText('plane-issue-created'), 'd-created');
    expect((await h.task(TASK)).requestedBy).toBe(`plane:${creator}`);
    expect(requesterIdOf(await h.task(TASK), h.project)).toBe(333);
    const deploy = { image: 'shop', hook: 'true', health: { command: 'true', timeoutS: 5, successes: 1 }, approvers: [222, 333], fourEyes: true, self: false, timeoutS: 60 };
    expect(deployDecisionRight(deploy, 333, requesterIdOf(await h.task(TASK), h.project))).toMatchObject({ type: 'requester' });
    expect(deployDecisionRight(deploy, 222, requesterIdOf(await h.task(TASK), h.project))).toMatchObject({ type: 'allowed' });
    // Whoever approves the BRD does not become the requester.
    await finishAgent(h, 'analyst', { '01-brd.md': '# BRD\n\nValidate coupons.\n' }, null);
    const brd = (await pendingApproval(h.store.db, TASK, 'brd'))!;
    await h.engine.handle({ type: 'ApprovalDecided', key: 'test:brd', taskId: TASK, approvalId: brd.id, decision: 'approve', actor: 'telegram:222:Bob' });
    expect(await h.task(TASK)).toMatchObject({ stage: 'development', requestedBy: `plane:${creator}` });
    // A creator the project does not map is unknown to four-eyes, never someone else.
    expect(requesterIdOf(await h.task(TASK), { plane: { projectId: IDS.project_id, people: { other: 222 } } })).toBeNull();
    expect(requesterIdOf({ requestedBy: 'plane:toString' }, { plane: { projectId: 'p', people: {} } })).toBeNull();
  });

  it("creates only issues carrying the project's label, and none for other Plane projects", async () => {
    const processor = setup({ project: { plane: { projectId: IDS.project_id, label: 'agent' } } });
    const unlabelled = await process(processor, 'plane', 'issue', fixtureText('plane-issue-created'), 'd-1');
    const elsewhere = await process(
      processor,
      'plane',
      'issue',
      fixtureText('plane-issue-created', (b) => (b.data.project = '00000000-0000-4000-8000-000000000000')),
      'd-2',
    );
    expect([unlabelled.events, elsewhere.events]).toEqual([[], []]);
    expect(taskCount()).toBe(0);
    expect(inboxRow(h.store, elsewhere.id)?.processedAt).not.toBeNull();

    const labelled = fixtureText('plane-issue-created', (b) => {
      b.data.labels.push({ id: 'l-agent', name: 'Agent', color: '#fff' });
    });
    expect((await process(processor, 'plane', 'issue', labelled, 'd-3')).events).toMatchObject([
      { type: 'TaskRequested', number: 42 },
    ]);
  });

  it('issue moved to In Progress by a person → TrackerStateChanged started', async () => {
    const processor = setup();
    await requestTask(h);
    const { events } = await process(
      processor,
      'plane',
      'issue',
      fixtureText('plane-issue-updated-state'),
      'd-started',
    );
    expect(events).toEqual([
      {
        type: 'TrackerStateChanged',
        key: 'inbox:plane:d-started',
        taskId: TASK,
        group: 'started',
        actor: 'plane:priya.nair',
      },
    ]);
  });

  it('moved to an Approved state → the pending BRD approval is decided and development starts', async () => {
    const processor = setup();
    await toApproval(h);
    const approval = (await pendingApproval(h.store.db, TASK, 'brd'))!;
    const { outcomes } = await process(
      processor,
      'plane',
      'issue',
      stateChange('BRD Approved', 'unstarted'),
      'd-approved',
    );
    expect(outcomes[0]).toMatchObject({ type: 'applied', taskId: TASK });
    expect(await getApproval(h.store.db, approval.id)).toMatchObject({ state: 'approved', decidedBy: 'tracker' });
    expect(await h.task(TASK)).toMatchObject({ stage: 'development', phase: 'working' });
  });

  it('Rejected → the BRD is rejected and analysis runs again', async () => {
    const processor = setup();
    await toApproval(h);
    await process(processor, 'plane', 'issue', stateChange('Rejected', 'cancelled'), 'd-rejected');
    expect(await h.task(TASK)).toMatchObject({ stage: 'analysis', phase: 'working', attempts: { analyst: 2 } });
  });

  it('Blocked / Needs Input blocks the task; leaving it (named by the old state) unblocks', async () => {
    const lookups: InboundLookups = {
      trackerState: async (_p, id) =>
        id === 'blocked-state' ? { name: 'Needs input', group: 'started' } : null,
    };
    const processor = setup({ lookups });
    await requestTask(h);
    const blocked = await process(
      processor,
      'plane',
      'issue',
      stateChange('Needs Input', 'started'),
      'd-block',
    );
    expect(blocked.events).toMatchObject([{ type: 'TrackerStateChanged', group: 'blocked' }]);
    expect((await h.task(TASK)).blocked).toBe(true);

    const back = await process(
      processor,
      'plane',
      'issue',
      stateChange('In Progress', 'started', { oldState: 'blocked-state' }),
      'd-unblock',
    );
    expect(back.events.map((e) => (e.type === 'TrackerStateChanged' ? e.group : e.type))).toEqual([
      'unblocked',
      'started',
    ]);
    expect(back.events.map((e) => e.key)).toEqual([
      'inbox:plane:d-unblock:unblocked',
      'inbox:plane:d-unblock:started',
    ]);
    expect((await h.task(TASK)).blocked).toBe(false);
  });

  it("skips Conveyor's own changes: by actor id when known, by the API field when it is not", async () => {
    const own = IDS.users['chatops-bot'];
    const known = setup({ lookups: { trackerSelfId: async () => own } });
    await requestTask(h);
    expect(
      (
        await process(
          known,
          'plane',
          'issue',
          stateChange('Blocked', 'started', { actor: own, field: 'state' }),
          'd-own',
        )
      ).events,
    ).toEqual([]);
    expect(
      (
        await process(
          known,
          'plane',
          'issue',
          stateChange('Blocked', 'started', { field: 'state' }),
          'd-other-api',
        )
      ).events,
    ).toHaveLength(1);
    h.cleanup();

    const unknown = setup({
      lookups: { trackerSelfId: () => Promise.reject(new Error('403 Given API token is not valid')) },
    });
    await requestTask(h);
    expect(
      (
        await process(
          unknown,
          'plane',
          'issue',
          stateChange('Blocked', 'started', { field: 'state' }),
          'd-api',
        )
      ).events,
    ).toEqual([]);
    expect((await h.task(TASK)).blocked).toBe(false);
    expect(
      (await process(unknown, 'plane', 'issue', stateChange('Blocked', 'started'), 'd-ui')).events,
    ).toHaveLength(1);
    expect((await h.task(TASK)).blocked).toBe(true);
  });

  it('a state change for an issue Conveyor has no task for is processed and changes nothing', async () => {
    const processor = setup();
    const { id, events } = await process(
      processor,
      'plane',
      'issue',
      fixtureText('plane-issue-updated-state'),
      'd-orphan',
    );
    expect(events).toEqual([]);
    expect(inboxRow(h.store, id)).toMatchObject({ error: null });
    expect(inboxRow(h.store, id)?.processedAt).not.toBeNull();
  });
});

describe('Gitea deliveries', () => {
  it('push to task/SHOP-42 → BranchPushed: the head is recorded', async () => {
    const processor = setup();
    await toAwaitingCi(h, A1);
    const { events } = await process(processor, 'gitea', 'push', fixtureText('gitea-push'), 'g-push');
    expect(events).toEqual([
      { type: 'BranchPushed', key: 'inbox:gitea:g-push', taskId: TASK, sha: A3, actor: 'gitea' },
    ]);
    expect((await h.task(TASK)).headSha).toBe(A3);
  });

  it('push to the default branch marks open tasks behind it; a branch delete is ignored', async () => {
    const processor = setup();
    await requestTask(h);
    const toMain = fixtureText('gitea-push', (b) => (b.ref = 'refs/heads/main'));
    expect((await process(processor, 'gitea', 'push', toMain, 'g-main')).events).toMatchObject([
      { type: 'DefaultBranchMoved', projectId: 'SHOP', sha: A3 },
    ]);
    expect((await h.task(TASK)).behindDefault).toBe(true);
    const deleted = fixtureText('gitea-push', (b) => (b.after = '0'.repeat(40)));
    expect((await process(processor, 'gitea', 'push', deleted, 'g-delete')).events).toEqual([]);
  });

  it('status success on the head → CI green, the task moves to review', async () => {
    const processor = setup();
    await toAwaitingCi(h, A3);
    const { events } = await process(
      processor,
      'gitea',
      'status',
      fixtureText('gitea-status-success'),
      'g-ok',
    );
    expect(events).toMatchObject([{ type: 'CiStatusReported', taskId: TASK, sha: A3, state: 'success' }]);
    expect(await h.task(TASK)).toMatchObject({ stage: 'review', phase: 'working' });
  });

  it('status failure → CI red with the failing context, its description and link as must-fix text', async () => {
    const processor = setup();
    await toAwaitingCi(h, A3);
    await process(processor, 'gitea', 'status', fixtureText('gitea-status-failure'), 'g-fail');
    expect(await h.task(TASK)).toMatchObject({ stage: 'development', phase: 'working', rollbacks: 1 });
    expect((await h.task(TASK)).mustFix).toContain(
      'CI / test (push): Failing after 48s (https://git.acme.test/acme/shop/actions/runs/57/jobs/0)',
    );
  });

  it('combines contexts (one pending keeps it waiting) and the latest status per context wins', async () => {
    const processor = setup();
    await toAwaitingCi(h, A3);
    const lint = fixtureText('gitea-status-success', (b) =>
      Object.assign(b, { context: 'lint', state: 'pending', id: 400 }),
    );
    await process(processor, 'gitea', 'status', lint, 'g-lint-pending');
    await process(processor, 'gitea', 'status', fixtureText('gitea-status-failure'), 'g-311');
    expect(await h.task(TASK)).toMatchObject({ stage: 'development', rollbacks: 1 }); // any failure is red at once
    // The re-run (id 318) replaces the failure; an older id arriving late does not win back.
    await process(processor, 'gitea', 'status', fixtureText('gitea-status-success'), 'g-318');
    await process(processor, 'gitea', 'status', fixtureText('gitea-status-failure'), 'g-311-late');
    expect(
      (await statusesFor(h.store.db, 'acme/shop', A3))
        .map((s) => [s.context, s.state])
        .sort(),
    ).toEqual([
      ['CI / test (push)', 'success'],
      ['lint', 'pending'],
    ]);
  });

  it('a status for an unknown sha falls back to the one task awaiting CI (head recorded first)', async () => {
    const processor = setup();
    await toAwaitingCi(h, A1);
    const { events } = await process(
      processor,
      'gitea',
      'status',
      fixtureText('gitea-status-success'),
      'g-fallback',
    );
    expect(events.map((e) => e.type)).toEqual(['BranchPushed', 'CiStatusReported']);
    expect(await h.task(TASK)).toMatchObject({ headSha: A3, stage: 'review' });
  });

  it('the fallback is refused when Gitea says the branch is elsewhere, and without a single candidate', async () => {
    const processor = setup({
      lookups: {
        branchHead: async (repo, branch) => (repo === 'acme/shop' && branch === 'task/SHOP-42' ? A1 : null),
      },
    });
    await toAwaitingCi(h, A1);
    const refused = await process(
      processor,
      'gitea',
      'status',
      fixtureText('gitea-status-success'),
      'g-stale',
    );
    expect(refused.events).toEqual([]);
    expect(await h.task(TASK)).toMatchObject({ headSha: A1, stage: 'development', phase: 'awaiting-ci' });
    h.cleanup();

    const none = setup();
    await requestTask(h);
    const { id, events } = await process(
      none,
      'gitea',
      'status',
      fixtureText('gitea-status-success'),
      'g-nobody',
    );
    expect(events).toEqual([]);
    expect(inboxRow(h.store, id)?.processedAt).not.toBeNull();
    expect(await statusesFor(h.store.db, 'acme/shop', A3)).toHaveLength(1); // kept for when the push arrives
  });

  it('pull request opened → PullRequestOpened; merged while merging → done', async () => {
    const processor = setup();
    await toMerging(h, A3);
    await process(processor, 'gitea', 'pull_request', fixtureText('gitea-pull_request-opened'), 'g-pr');
    expect((await h.task(TASK)).prNumber).toBe(7);
    const { events } = await process(
      processor,
      'gitea',
      'pull_request',
      fixtureText('gitea-pull_request-merged'),
      'g-merged',
    );
    // The card shows the sha now on main: the PR's merge commit, not its head.
    const mergeSha = (JSON.parse(fixtureText('gitea-pull_request-merged')) as { pull_request: { merge_commit_sha: string } }).pull_request.merge_commit_sha;
    expect(mergeSha).not.toBe(A3);
    expect(events).toMatchObject([{ type: 'Merged', taskId: TASK, sha: mergeSha }]);
    expect(await h.task(TASK)).toMatchObject({ stage: 'done', phase: 'idle', headSha: mergeSha });
  });

  it('a merge webhook for a task that is not merging changes nothing', async () => {
    const processor = setup();
    await toAwaitingCi(h, A3);
    const before = await h.task(TASK);
    const { outcomes } = await process(
      processor,
      'gitea',
      'pull_request',
      fixtureText('gitea-pull_request-merged'),
      'g-early',
    );
    expect(outcomes).toMatchObject([{ type: 'noop' }]);
    expect(await h.task(TASK)).toEqual(before);
  });
});

describe('failures and replays', () => {
  /** The engine with a disk that fails the first `n` writes of events. */
  class FailingEngine extends Engine {
    failures = 0;
    override async handleInTx(tx: Tx, event: DomainEvent): Promise<EngineOutcome> {
      if (this.failures > 0) {
        this.failures -= 1;
        throw new Error('disk I/O error');
      }
      return await super.handleInTx(tx, event);
    }
  }

  it('records the error on the row, rolls the delivery back, and retries it after the backoff', async () => {
    setup();
    const projects = new Map([[h.project.id, h.project]]);
    const engine = new FailingEngine(
      h.store,
      {
        queue: h.queue,
        projects,
        maxDeveloperRetries: 3,
        trackerEnabled: true,
        forgeEnabled: true,
        newId: () => 'a1',
        logger: silentLogger,
      },
      h.clock,
    );
    const failing = new InboxProcessor({
      store: h.store,
      engine,
      projects,
      clock: h.clock,
      logger: silentLogger,
      mappers: { gitea: mapGiteaDelivery },
    });
    await toAwaitingCi(h, A3);
    engine.failures = 2;
    const id = await deliver('gitea', 'status', fixtureText('gitea-status-success'), 'g-flaky');

    expect(await failing.processOnce()).toEqual({ processed: 0, failed: 1 });
    expect(inboxRow(h.store, id)).toMatchObject({
      processedAt: null,
      attempts: 1,
      availableAt: h.clock.now() + 1000,
    });
    expect(inboxRow(h.store, id)?.error).toContain('disk I/O error');
    expect(await statusesFor(h.store.db, 'acme/shop', A3)).toEqual([]); // the status write rolled back with it

    expect(await failing.processOnce()).toEqual({ processed: 0, failed: 0 }); // not due yet
    h.clock.advance(1000);
    expect(await failing.processOnce()).toEqual({ processed: 0, failed: 1 });
    expect(inboxRow(h.store, id)).toMatchObject({ attempts: 2, availableAt: h.clock.now() + 2000 });
    h.clock.advance(2000);
    expect(await failing.processOnce()).toEqual({ processed: 1, failed: 0 });
    expect(inboxRow(h.store, id)).toMatchObject({ error: null, attempts: 2 });
    expect((await h.task(TASK)).stage).toBe('review');
  });

  it('a replayed delivery (same row again, or Plane resending under a new delivery id) changes nothing', async () => {
    const processor = setup();
    const first = await process(processor, 'plane', 'issue', fixtureText('plane-issue-created'), 'd-once');
    const transitions = (await transitionsOf(h.store.db, TASK)).length;
    const outbox = h.store.sqlite.prepare('SELECT count(*) AS n FROM outbox').get();
    h.store.sqlite.prepare('UPDATE inbox SET processed_at = NULL').run();
    await settle();
    expect(await processor.processOnce()).toEqual({ processed: 1, failed: 0 });
    expect(seen).toEqual([]); // the engine found the event key and wrote nothing
    expect(await transitionsOf(h.store.db, TASK)).toHaveLength(transitions);
    const resent = await process(processor, 'plane', 'issue', fixtureText('plane-issue-created'), 'd-resent');
    expect(resent.outcomes).toMatchObject([{ type: 'duplicate', taskId: TASK }]);
    expect(await transitionsOf(h.store.db, TASK)).toHaveLength(transitions);
    expect(await h.queue.activeForTask(TASK)).toHaveLength(1);
    expect(h.store.sqlite.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual(outbox);
    expect(inboxRow(h.store, first.id)?.processedAt).not.toBeNull();
  });

  it('start() drains on its own and wake() hurries it', async () => {
    const processor = setup();
    processor.start();
    try {
      await deliver('plane', 'issue', fixtureText('plane-issue-created'), 'd-woken');
      processor.wake();
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline && taskCount() === 0) await new Promise((r) => setTimeout(r, 10));
      expect((await h.task(TASK)).stage).toBe('analysis');
      expect(processor.alive(h.clock.now())).toBe(true);
    } finally {
      await processor.stop();
    }
    expect(processor.alive(h.clock.now())).toBe(false);
  });
});
