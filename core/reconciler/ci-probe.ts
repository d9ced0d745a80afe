/**
 * CI side, asked of the forge: a task waiting for CI whose branch the forge reports green. The
 * reconciler starts from the task, so it never has to guess whose a status is: it asks the forge
 * where `task/<ID>` is and what CI says about that commit. When the branch moved past the head the
 * task knows (the push event was lost too), the push is replayed first, in the same transaction.
 * Red or pending does nothing and says nothing; a forge error skips the task.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { DomainEvent } from '../domain/events.ts';
import { describeError } from '../errors.ts';
import type { ForgeReader } from '../ports/forge-reader.ts';
import { NOTHING, skip, type TaskProbe } from './probe.ts';

/** The CI-side probe over a forge reader. */
export function ciProbe(projects: ReadonlyMap<string, ProjectConfig>, forge: ForgeReader): TaskProbe {
  return async (task) => {
    // Development's CI, and a head rebased in the merge phase waiting for its re-test (ADR 0023).
    if (task.phase !== 'awaiting-ci') return NOTHING;
    const project = projects.get(task.projectId);
    if (!project) return skip('unknown project');
    let head: string | null;
    let state: string;
    try {
      head = await forge.branchHead(project.repo, task.branch);
      if (!head) return NOTHING;
      state = await forge.combinedStatus(project.repo, head);
    } catch (error) {
      return skip(`forge error: ${describeError(error).slice(0, 160)}`);
    }
    if (state !== 'success') return NOTHING;
    const short = head.slice(0, 7);
    const ci: DomainEvent = { type: 'CiStatusReported', key: `reconciler:ci:${task.id}:${head}`, taskId: task.id, sha: head, state: 'success', detail: '', actor: 'reconciler' };
    if (head === task.headSha) return { type: 'unblock', reason: `CI green on ${short} (status lost)`, events: [ci] };
    const push: DomainEvent = { type: 'BranchPushed', key: `reconciler:push:${task.id}:${head}`, taskId: task.id, sha: head, actor: 'reconciler' };
    return { type: 'unblock', reason: `branch at ${short} with CI green (push and status lost)`, events: [push, ci] };
  };
}
