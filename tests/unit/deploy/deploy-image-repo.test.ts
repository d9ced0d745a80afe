import { afterEach, describe, expect, it } from 'vitest';
import {
  currentProductionImage,
  deployImageHistory,
  imageBeforeCurrent,
  recordDeployImage,
  type DeployImageOutcome,
} from '../../../core/store/deploy-image-repo.ts';
import { createTempStore, type TempStore } from '../../support/temp-store.ts';

function row(projectId: string, n: number, outcome: DeployImageOutcome) {
  return {
    projectId,
    imageId: `sha256:${n}`,
    ref: `registry.acme.test/shop:${n}`,
    sha: String(n),
    taskId: `${projectId}-${n}`,
    deployedAt: n * 1000,
    outcome,
  };
}

describe('deploy image history', () => {
  let temp: TempStore | undefined;
  afterEach(() => temp?.cleanup());

  it('keeps each project history newest first and knows what production runs', async () => {
    temp = createTempStore();
    const { store } = temp;
    expect(await currentProductionImage(store.db, 'SHOP')).toBeNull();
    await store.transaction(async (tx) => {
      await recordDeployImage(tx, row('SHOP', 1, 'deployed'));
      await recordDeployImage(tx, row('SHOP', 2, 'failed'));
      await recordDeployImage(tx, row('OTHER', 9, 'deployed'));
      await recordDeployImage(tx, row('SHOP', 3, 'restored'));
    });
    expect((await currentProductionImage(store.db, 'SHOP'))?.imageId).toBe('sha256:1');
    expect(await imageBeforeCurrent(store.db, 'SHOP')).toBeNull();
    await store.transaction(async (tx) => await recordDeployImage(tx, row('SHOP', 4, 'deployed')));
    expect(await currentProductionImage(store.db, 'SHOP')).toMatchObject({
      imageId: 'sha256:4',
      ref: 'registry.acme.test/shop:4',
      taskId: 'SHOP-4',
    });
    expect((await imageBeforeCurrent(store.db, 'SHOP'))?.imageId).toBe('sha256:1');
    expect((await deployImageHistory(temp.reopen().db, 'SHOP')).map((r) => [r.sha, r.outcome])).toEqual([
      ['4', 'deployed'],
      ['3', 'restored'],
      ['2', 'failed'],
      ['1', 'deployed'],
    ]);
  });

  it('after a roll-back, production runs the image rolled back to', async () => {
    temp = createTempStore();
    const { store } = temp;
    await store.transaction(async (tx) => {
      await recordDeployImage(tx, row('SHOP', 1, 'deployed'));
      await recordDeployImage(tx, row('SHOP', 2, 'deployed'));
      await recordDeployImage(tx, { ...row('SHOP', 1, 'rolled-back'), deployedAt: 5000 });
    });
    expect(await currentProductionImage(store.db, 'SHOP')).toMatchObject({
      imageId: 'sha256:1',
      outcome: 'rolled-back',
    });
  });
});
