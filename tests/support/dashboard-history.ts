/**
 * A month of delivered work for the dashboard's charts: tasks walked by real engine events from
 * request to done over the last four weeks, with waits per stage, review and test rollbacks and
 * one escalation (a dead developer run, retried the next morning). They end in `done`, so the
 * board's open columns keep showing only `seedTasks`' four tasks.
 */
import { mapInOrder } from '../../core/map-in-order.ts';
import type { Role } from '../../core/domain/stage.ts';
import type { DashboardWorld } from './dashboard-harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BRD = '# BRD\n\nThe feature, its users and acceptance criteria.\n';
const REVIEW_GREEN = '---\nverdict: APPROVE\n---\n## Findings\n- P3: naming\n';
const REVIEW_RED = '---\nverdict: REQUEST_CHANGES\n---\n## Findings\n- P1: the total ignores the discount\n';
const TESTS_GREEN = '---\nresult: PASS\n---\n42 passed\n';
const TESTS_RED = '---\nresult: FAIL\n---\n## Failures\n- checkout e2e: the button stays disabled\n';

/** One step of a task's life; waits are hours spent before the next step. */
type Step =
  | { readonly wait: number }
  | { readonly run: Role; readonly min: number; readonly red?: boolean }
  | { readonly approve: true }
  | { readonly ci: true }
  | { readonly dies: 'developer' }
  | { readonly retry: true }
  | { readonly merged: true };

interface Delivered {
  readonly title: string;
  readonly startedDaysAgo: number;
  readonly steps: readonly Step[];
}

/** Develop, wait for CI and go green: the usual development round. */
const develop = (min: number, waitH: number): Step[] => [{ wait: waitH }, { run: 'developer', min }, { wait: 0.3 }, { ci: true }];
const analyse = (waitApprovalH: number): Step[] => [{ run: 'analyst', min: 12 }, { wait: waitApprovalH }, { approve: true }];
const finishUp = (reviewWaitH: number, testWaitH: number): Step[] => [
  { wait: reviewWaitH },
  { run: 'reviewer', min: 9 },
  { wait: testWaitH },
  { run: 'tester', min: 20 },
  { wait: 0.5 },
  { merged: true },
];

export const DELIVERED: readonly Delivered[] = [
  { title: 'Search suggestions', startedDaysAgo: 27, steps: [...analyse(5), ...develop(55, 20), ...finishUp(3, 4)] },
  {
    title: 'Coupon codes',
    startedDaysAgo: 25,
    steps: [...analyse(2), ...develop(70, 8), { wait: 2 }, { run: 'reviewer', min: 11, red: true }, ...develop(35, 6), ...finishUp(1, 3)],
  },
  { title: 'Order export to CSV', startedDaysAgo: 19, steps: [...analyse(46), ...develop(40, 5), ...finishUp(2, 2)] },
  {
    title: 'Guest checkout',
    startedDaysAgo: 17,
    steps: [...analyse(4), { wait: 3 }, { dies: 'developer' }, { wait: 15 }, { retry: true }, ...develop(80, 2), { wait: 1 }, { run: 'reviewer', min: 10, red: true }, ...develop(30, 5), ...finishUp(2, 6)],
  },
  {
    title: 'Back-in-stock alerts',
    startedDaysAgo: 11,
    steps: [...analyse(3), ...develop(50, 10), { wait: 1 }, { run: 'reviewer', min: 8 }, { wait: 5 }, { run: 'tester', min: 25, red: true }, ...develop(25, 4), ...finishUp(1, 2)],
  },
  { title: 'Price rounding', startedDaysAgo: 9, steps: [...analyse(1), ...develop(20, 2), ...finishUp(1, 1)] },
  {
    title: 'Address autocomplete',
    startedDaysAgo: 5,
    steps: [...analyse(6), ...develop(65, 16), { wait: 2 }, { run: 'reviewer', min: 12, red: true }, ...develop(30, 3), ...finishUp(2, 5)],
  },
  { title: 'Invoice PDFs', startedDaysAgo: 3, steps: [...analyse(8), ...develop(45, 12), ...finishUp(4, 3)] },
];

/** Walks every `DELIVERED` task to done; the engine's clock ends where it started. */
export async function seedHistory(w: DashboardWorld): Promise<string[]> {
  const { h } = w;
  const end = h.clock.now();
  const ids = await mapInOrder(DELIVERED, async (task) => {
    h.clock.advance(end - task.startedDaysAgo * DAY - h.clock.now());
    const id = await w.create(task.title);
    let sha = 0;
    for (const step of task.steps) {
      if ('wait' in step) h.clock.advance(step.wait * HOUR);
      else if ('run' in step) await w.finish(id, step.run, artifacts(step.run, step.red === true), headSha(id, ++sha), step.min);
      else if ('approve' in step) await w.approve(id);
      else if ('ci' in step) {
        settle(w, id, 'ci');
        await h.handle({ type: 'CiStatusReported', key: `ci:${id}:${sha}`, taskId: id, sha: (await h.task(id)).headSha!, state: 'success', detail: '', actor: 'local-ci' });
      }
      else if ('dies' in step) await w.die(id, step.dies, 'developer exited 137 (out of memory)');
      else if ('retry' in step) await h.handle({ type: 'RetryRequested', key: `retry:${id}`, taskId: id, actor: 'telegram:111:Alice' });
      else {
        settle(w, id, 'merge');
        await h.handle({ type: 'Merged', key: `merged:${id}`, taskId: id, sha: headSha(id, 99), actor: 'merge-gate' });
        settle(w, id, 'cleanup');
      }
    }
    if ((await h.task(id)).stage !== 'done') throw new Error(`${id} ended in ${(await h.task(id)).stage}/${(await h.task(id)).phase}`);
    return id;
  });
  h.clock.advance(end - h.clock.now());
  return ids;
}

/** The workers' side, which this world has none of: `kind` jobs of `taskId` ran and succeeded. */
function settle(w: DashboardWorld, taskId: string, kind: 'ci' | 'merge' | 'cleanup'): void {
  const now = w.h.clock.now();
  w.h.store.sqlite
    .prepare(`UPDATE jobs SET state = 'succeeded', started_at = ?, finished_at = ?, updated_at = ? WHERE task_id = ? AND kind = ? AND state IN ('queued', 'running')`)
    .run(now - 60_000, now, now, taskId, kind);
}

function artifacts(role: Role, red: boolean): Record<string, string | null> {
  if (role === 'analyst') return { '01-brd.md': BRD };
  if (role === 'reviewer') return { '12-review.md': red ? REVIEW_RED : REVIEW_GREEN };
  if (role === 'tester') return { '13-test-report.md': red ? TESTS_RED : TESTS_GREEN };
  return {};
}

function headSha(id: string, n: number): string {
  return `${id.replace(/\D/g, '')}${n}`.padEnd(40, 'c');
}
