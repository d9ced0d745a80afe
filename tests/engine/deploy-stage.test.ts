/**
 * The production `deploy` stage end to end in the engine (ADR 0032), with its real parts: the SQLite
 * store, the engine, real git (remote, GitWorkspace, local CI), the real hook runner (`sh -c`
 * processes) and the real Docker engine for promotion by retag. Staging is a runner that tags a
 * real busybox image as the validated image, so the image id can be followed to production.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import { getApproval, pendingApproval } from '../../core/store/approval-repo.ts';
import { deployImageHistory } from '../../core/store/deploy-image-repo.ts';
import { loadDeployState } from '../../core/store/deploy-state-repo.ts';
import { buildBusyboxImage, removeLabelled, runLabel } from '../support/busybox-image.ts';
import { RealImageStaging } from '../support/deploy-world.ts';
import { describeDocker } from '../support/describe-docker.ts';
import { remoteFile } from '../support/git-fixtures.ts';
import { mergePhaseHarness, type MergePhaseHarness } from '../support/merge-phase-harness.ts';

const LABEL = 'conveyor.test.deploy-stage';

describeDocker('the production deploy stage (real git, real processes, real Docker engine)', (dockerHost) => {
  const docker = new DockerodeDocker({ dockerHost });
  const run = runLabel('deploy');
  const stagingRepo = `conveyor-test-staging-${run}`;
  const prodRepo = `conveyor-test-prod-${run}`;
  let baseImageId = '';
  let scratch = '';
  let h: MergePhaseHarness | null = null;

  beforeAll(async () => {
    baseImageId = await buildBusyboxImage(docker, `${stagingRepo}:base`, { [LABEL]: run });
  }, 180_000);
  afterAll(async () => {
    await removeLabelled(docker, LABEL, run);
  }, 60_000);
  afterEach(async () => {
    await h?.cleanup();
    h = null;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A harness whose hook appends `<exit code> $TARGET_IMAGE $SOURCE_IMAGE` to a calls file and exits with the first line of `codes`. */
  async function world(deploy: Record<string, unknown> = {}) {
    scratch = mkdtempSync(join(tmpdir(), 'conveyor-deploy-hook-'));
    const calls = join(scratch, 'calls');
    const codes = join(scratch, 'codes');
    const hook = `code=$(head -n 1 ${codes} 2>/dev/null || echo 0); sed -i 1d ${codes} 2>/dev/null; echo "$code $TARGET_IMAGE $SOURCE_IMAGE $EXPECTED_REVISION" >> ${calls}; echo "hook says code $code"; [ "$code" = kill ] && kill -9 $$; exit $code`;
    const staging = new RealImageStaging(docker, baseImageId, stagingRepo);
    h = await mergePhaseHarness({
      stages: ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'],
      ciCommand: 'true',
      staging,
      docker,
      dockerHost,
      deploy: { image: prodRepo, hook, health: { command: 'true', successes: 2 }, approvers: [222, 333, 111], ...deploy },
    });
    const harness = h;
    const setCodes = (list: number[]) => writeFileSync(codes, list.map(String).join('\n') + '\n');
    const hookCalls = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);
    /** Create a task that passed testing and run staging: it waits for the production approval. */
    const toApproval = async (n: number) => {
      const id = await harness.taskPassingTests(n, { [`src/f${n}.ts`]: `export const v = ${n};\n` });
      expect((await harness.runJob('staging'))?.type).toBe('done');
      return id;
    };
    const decide = async (id: string, decision: 'approve' | 'reject', userId: number, reason?: string) => {
      const approval = await pendingApproval(harness.store.db, id, 'deploy');
      if (!approval) throw new Error(`no pending deploy approval for ${id}`);
      return await harness.handle({ type: 'ApprovalDecided', key: `decide:${approval.id}:${userId}:${decision}`, taskId: id, approvalId: approval.id, decision, actor: `telegram:${userId}:Person ${userId}`, ...(reason ? { reason } : {}) });
    };
    return { h: harness, staging, setCodes, hookCalls, toApproval, decide };
  }

  it('asks for a production approval after staging, deploys the staged image id unchanged, merges and finishes', async () => {
    const w = await world();
    const id = await w.toApproval(1);
    let task = await w.h.task(id);
    expect([task.stage, task.phase]).toEqual(['deploy', 'awaiting-approval']);
    const approval = await pendingApproval(w.h.store.db, id, 'deploy');
    expect(approval?.round).toBe(1);
    expect(w.h.store.sqlite.prepare(`SELECT kind FROM outbox WHERE task_id = ? AND kind = 'approval-request'`).all(id)).toHaveLength(1);
    expect(w.h.store.sqlite.prepare(`SELECT holder FROM leases`).get()).toEqual({ holder: id });

    expect((await w.decide(id, 'approve', 222)).type).toBe('applied');
    expect((await getApproval(w.h.store.db, approval!.id))?.state).toBe('approved');
    expect((await w.h.runJob('deploy'))?.type).toBe('done');
    task = await w.h.task(id);
    expect([task.stage, task.phase]).toEqual(['deploy', 'merging']);
    const staged = w.staging.calls[0]!.sha;
    expect(w.hookCalls()).toEqual([`0 ${prodRepo}:${staged} ${stagingRepo}:${staged} ${staged}`]);
    // Promotion by retag: production's image id is the staging image id.
    expect((await docker.inspectImage(`${prodRepo}:${staged}`))?.id).toBe(baseImageId);
    expect((await docker.inspectImage(`${prodRepo}:current`))?.id).toBe(baseImageId);
    expect((await deployImageHistory(w.h.store.db, w.h.project.id)).map((r) => [r.outcome, r.imageId])).toEqual([['deployed', baseImageId]]);

    expect((await w.h.runJob('merge'))?.type).toBe('done');
    task = await w.h.task(id);
    expect(task.stage).toBe('done');
    const report = await remoteFile(w.h.git.remote, 'main', `docs/work-items/${id}/15-deploy-report.md`);
    expect(report).toContain('deploy_status: SUCCESS');
    expect(report).toContain(`image_id: ${baseImageId}`);
    expect(w.h.store.sqlite.prepare(`SELECT count(*) AS n FROM leases WHERE holder = ?`).get(id)).toEqual({ n: 0 });
  }, 120_000);

  it('refuses the requester under four-eyes and anyone who is not a deploy approver; nothing changes', async () => {
    const w = await world({ fourEyes: true, approvers: [111, 222] });
    const id = await w.toApproval(1);
    // The harness requests every task as telegram:111.
    expect(await w.decide(id, 'approve', 111)).toMatchObject({ type: 'rejected' });
    expect(await w.decide(id, 'approve', 333)).toMatchObject({ type: 'rejected' });
    expect((await pendingApproval(w.h.store.db, id, 'deploy'))?.state).toBe('pending');
    expect(w.h.store.sqlite.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'deploy'`).get()).toEqual({ n: 0 });
    expect([(await w.h.task(id)).stage, (await w.h.task(id)).phase]).toEqual(['deploy', 'awaiting-approval']);
    expect((await w.decide(id, 'approve', 222)).type).toBe('applied');
  }, 120_000);

  it('a reject sends the task back to development with the reason and releases the lease', async () => {
    const w = await world();
    const id = await w.toApproval(1);
    expect((await w.decide(id, 'reject', 333, 'not during the sale')).type).toBe('applied');
    const task = await w.h.task(id);
    expect([task.stage, task.mergeQueuedAt]).toEqual(['development', null]);
    expect(task.mustFix).toContain('not during the sale');
    expect(w.h.store.sqlite.prepare(`SELECT count(*) AS n FROM leases WHERE holder = ?`).get(id)).toEqual({ n: 0 });
    expect(w.hookCalls()).toEqual([]);
  }, 120_000);

  it('hook exit 1 sends the task back to development with the hook output; exit 7 escalates', async () => {
    const w = await world();
    w.setCodes([1]);
    const first = await w.toApproval(1);
    await w.decide(first, 'approve', 222);
    await w.h.runJob('deploy');
    const failed = await w.h.task(first);
    expect([failed.stage, failed.escalated]).toEqual(['development', false]);
    expect(failed.mustFix).toContain('hook says code 1');
    expect(failed.lastEvent).toContain('hook says code 1');
    expect((await deployImageHistory(w.h.store.db, w.h.project.id)).map((r) => r.outcome)).toEqual(['failed']);

    w.setCodes([7]);
    const second = await w.toApproval(2);
    await w.decide(second, 'approve', 222);
    await w.h.runJob('deploy');
    const unknown = await w.h.task(second);
    expect([unknown.stage, unknown.escalated]).toEqual(['deploy', true]);
    expect(unknown.escalationReason).toMatch(/deploy/);
    // /retry never re-runs an unknown deploy blindly: a new pass asks the approvers again.
    expect((await w.h.handle({ type: 'RetryRequested', key: `retry:${second}`, taskId: second, actor: 'telegram:222:Ann' })).type).toBe('applied');
    expect([(await w.h.task(second)).phase, (await w.h.task(second)).escalated]).toEqual(['awaiting-approval', false]);
    expect((await pendingApproval(w.h.store.db, second, 'deploy'))?.round).toBe(2);
    expect(w.hookCalls()).toHaveLength(2);
  }, 120_000);

  it('a re-deploy after a failed deploy runs the hook again (ORCH-036: no stale marker wedges it)', async () => {
    const w = await world();
    w.setCodes([2, 0]);
    const id = await w.toApproval(1);
    await w.decide(id, 'approve', 222);
    await w.h.runJob('deploy');
    expect((await w.h.task(id)).stage).toBe('development');
    expect(await loadDeployState(w.h.store.db, id)).toMatchObject({ attempt: 1, hookStartedAt: null, hookResult: null });

    // The developer fixes it; the task comes back through testing and staging.
    w.h.store.sqlite.prepare(`UPDATE jobs SET state = 'cancelled' WHERE task_id = ? AND state = 'queued'`).run(id);
    w.h.store.sqlite.prepare(`UPDATE tasks SET stage = 'testing', phase = 'working', attempts = ? WHERE id = ?`).run(JSON.stringify({ analyst: 1, developer: 2, reviewer: 1, tester: 2 }), id);
    await w.h.handle({ type: 'AgentRunFinished', key: `tester2:${id}`, taskId: id, jobId: 0, facts: { role: 'tester', attempt: 2, headSha: (await w.h.task(id)).headSha, artifacts: { '13-test-report.md': '---\nresult: PASS\n---\nok\n' }, logTail: '' } });
    expect((await w.h.runJob('staging'))?.type).toBe('done');
    expect((await pendingApproval(w.h.store.db, id, 'deploy'))?.round).toBe(2);
    await w.decide(id, 'approve', 333);
    await w.h.runJob('deploy');
    expect(w.hookCalls().map((line) => line.split(' ')[0])).toEqual(['2', '0']);
    expect((await w.h.task(id)).phase).toBe('merging');
  }, 120_000);

  it('self-deploy: the detached hook is polled by the deferred job; exit 0 delivers once, a hook killed mid-way escalates', async () => {
    const w = await world({ self: true });
    w.setCodes([0]);
    const id = await w.toApproval(1);
    await w.decide(id, 'approve', 222);
    const started = await w.h.runJob('deploy');
    expect(started?.type).toBe('defer');
    const finishedRun = async () => {
      for (let i = 0; i < 100; i += 1) {
        w.h.clock.advance(5_000);
        const outcome = await w.h.runJob('deploy');
        if (outcome && outcome.type !== 'defer') return outcome;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the self-deploy never finished');
    };
    expect((await finishedRun()).type).toBe('done');
    expect((await w.h.task(id)).phase).toBe('merging');
    expect(w.hookCalls()).toHaveLength(1);
    expect(await w.h.deps.deployHooks!.listPendingSelfDeploys()).toEqual([]);
    expect(await w.h.runJob('deploy')).toBeNull();

    // A hook that is killed mid-way (SIGKILL of its own shell): unknown state, never delivered.
    expect((await w.h.runJob('merge'))?.type).toBe('done');
    expect((await w.h.task(id)).stage).toBe('done');
    const second = await w.h.taskPassingTests(2, { 'src/g.ts': 'export const g = 1;\n' });
    expect((await w.h.runJob('staging'))?.type).toBe('done');
    writeFileSync(join(scratch, 'codes'), 'kill\n');
    await w.decide(second, 'approve', 222);
    await w.h.runJob('deploy');
    await finishedRun();
    const task = await w.h.task(second);
    expect([task.stage, task.escalated]).toEqual(['deploy', true]);
    expect(w.hookCalls()).toHaveLength(2);
    expect((await deployImageHistory(w.h.store.db, w.h.project.id)).map((r) => r.outcome)).toEqual(['failed', 'deployed']);
  }, 120_000);
});
