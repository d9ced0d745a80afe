import { afterEach, describe, expect, it } from 'vitest';
import {
  beginDeployPass,
  clearAfterFailure,
  nextDeployAction,
  recordApprovalRequested,
  recordApproved,
  recordHookResult,
  recordHookStarted,
  type DeployState,
  type DeployStateUpdate,
} from '../../../core/deploy/deploy-state.ts';
import { loadDeployState, saveDeployState } from '../../../core/store/deploy-state-repo.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

function ok(update: DeployStateUpdate): DeployState {
  if (update.type !== 'ok') throw new Error(`stale update (current attempt ${update.current})`);
  return update.state;
}

const fresh = beginDeployPass(null, 'SHOP-42', 'aaa');

describe('deploy state per task and attempt', () => {
  it.each<[string, DeployState | null, number, string]>([
    ['no state', null, 1, 'stale'],
    ['a fresh pass', fresh, 1, 'request-approval'],
    ['a job of another attempt', fresh, 2, 'stale'],
    ['approval requested', ok(recordApprovalRequested(fresh, 1, 'ap1')), 1, 'await-approval'],
    [
      'approved',
      ok(recordApproved(ok(recordApprovalRequested(fresh, 1, 'ap1')), 1, 'ap1', '111')),
      1,
      'run-hook',
    ],
    ['hook started, no result (crash)', ok(recordHookStarted(fresh, 1, 50)), 1, 'hook-interrupted'],
    [
      'hook result recorded',
      ok(recordHookResult(ok(recordHookStarted(fresh, 1, 50)), 1, 'deployed', 60)),
      1,
      'after-hook',
    ],
  ])('%s → %s', (_name, state, attempt, expected) => {
    expect(nextDeployAction(state, attempt).type).toBe(expected);
  });

  it('refuses markers for another attempt or another approval', () => {
    const second = beginDeployPass(fresh, 'SHOP-42', 'bbb');
    expect(second.attempt).toBe(2);
    expect(recordHookStarted(second, 1, 5)).toEqual({ type: 'stale', current: 2 });
    expect(recordHookResult(second, 1, 'deployed', 5)).toEqual({ type: 'stale', current: 2 });
    const asked = ok(recordApprovalRequested(second, 2, 'ap2'));
    expect(recordApproved(asked, 2, 'ap1', '111').type).toBe('stale');
  });

  it('starts every pass clean and clears a failed pass (ORCH-036)', () => {
    let state = ok(recordApproved(ok(recordApprovalRequested(fresh, 1, 'ap1')), 1, 'ap1', '111'));
    state = ok(recordHookResult(ok(recordHookStarted(state, 1, 10)), 1, 'failed-unchanged', 20));
    const cleared = clearAfterFailure(state);
    expect(cleared).toMatchObject({
      attempt: 1,
      approvalId: null,
      approvedBy: null,
      hookStartedAt: null,
      hookResult: null,
    });
    const next = beginDeployPass(state, 'SHOP-42', 'ccc');
    expect(next).toEqual({
      v: 1,
      taskId: 'SHOP-42',
      attempt: 2,
      revision: 'ccc',
      approvalId: null,
      approvedBy: null,
      hookStartedAt: null,
      hookResult: null,
    });
  });
});

describe('deploy state in the store', () => {
  let temp: TempStore | undefined;
  afterEach(() => temp?.cleanup());

  it('a re-deploy after a failed deploy and a fix runs the hook again (the ORCH-036 wedge)', async () => {
    temp = createTempStore();
    const { store } = temp;
    // Pass 1: approved, hook ran, failed → the task went back to development.
    let state = beginDeployPass(await loadDeployState(store.db, 'SHOP-42'), 'SHOP-42', 'aaa');
    state = ok(recordApproved(ok(recordApprovalRequested(state, 1, 'ap1')), 1, 'ap1', '111'));
    state = ok(recordHookResult(ok(recordHookStarted(state, 1, 10)), 1, 'failed-restored', 20));
    await store.transaction(async (tx) => await saveDeployState(tx, clearAfterFailure(state), 30));
    // Conveyor restarts; the developer fixes; pass 2 begins from what is stored.
    const reopened = temp.reopen();
    let second = beginDeployPass(await loadDeployState(reopened.db, 'SHOP-42'), 'SHOP-42', 'bbb');
    await reopened.transaction(async (tx) => await saveDeployState(tx, second, 40));
    second = (await loadDeployState(reopened.db, 'SHOP-42'))!;
    expect(second.attempt).toBe(2);
    expect(nextDeployAction(second, 2).type).toBe('request-approval');
    second = ok(recordApproved(ok(recordApprovalRequested(second, 2, 'ap2')), 2, 'ap2', '222'));
    expect(nextDeployAction(second, 2).type).toBe('run-hook');
    // A late job of pass 1 does nothing.
    expect(nextDeployAction(second, 1).type).toBe('stale');
  });

  it('ignores a stored value it cannot read', async () => {
    temp = createTempStore();
    await temp.store.transaction(async (tx) => await saveDeployState(tx, { ...fresh, v: 2 as 1 }, 1));
    expect(await loadDeployState(temp.store.db, 'SHOP-42')).toBeNull();
    expect(await loadDeployState(temp.store.db, 'SHOP-43')).toBeNull();
  });
});
