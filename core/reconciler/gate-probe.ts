/**
 * Gate side: a task waiting for CI whose stored statuses for its head are already green (the event
 * that should have moved it was lost or could not be matched). Read-only: red or pending does
 * nothing, so a red gate stays silent over any number of passes.
 *
 * With `unknownShaFallback` (used when no forge can be asked where the branch is), a task whose head
 * has no stored status also looks at statuses stored since it entered development for commits no
 * task's head is known at: one that resolves to this task as the single task in development for
 * the repo (status-owner.ts) and is green is adopted as its head; an ambiguous one is not resolved.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { Task } from '../domain/task.ts';
import { ciVerdict } from '../gates/ci-verdict.ts';
import type { Store } from '../store/store.ts';
import { statusesFor } from '../store/ci-status-repo.ts';
import { NOTHING, skip, type ProbeResult, type TaskProbe } from './probe.ts';
import { resolveStatusOwner } from './status-owner.ts';

/** How the gate probe treats statuses it cannot match to a head. */
export interface GateProbeOptions {
  /** Resolve stored statuses for unknown commits by the single-task-in-development rule. */
  readonly unknownShaFallback?: boolean;
}

/** The gate-side probe: stored CI statuses, read-only. */
export function gateProbe(store: Store, projects: ReadonlyMap<string, ProjectConfig>, options: GateProbeOptions = {}): TaskProbe {
  return async (task) => {
    // Development's CI, and a head rebased in the merge phase waiting for its re-test (ADR 0023).
    if (task.phase !== 'awaiting-ci') return NOTHING;
    const project = projects.get(task.projectId);
    if (!project) return skip('unknown project');
    if (task.headSha) {
      const statuses = await statusesFor(store.db, project.repo, task.headSha);
      if (statuses.length > 0) {
        if (ciVerdict(statuses, project.requiredChecks).state !== 'success') return NOTHING;
        return {
          type: 'unblock',
          reason: `CI green on ${task.headSha.slice(0, 7)} (status not applied)`,
          events: [{ type: 'CiStatusReported', key: `reconciler:ci:${task.id}:${task.headSha}`, taskId: task.id, sha: task.headSha, state: 'success', detail: '', actor: 'reconciler' }],
        };
      }
    }
    return options.unknownShaFallback ? await unclaimedStatus(store, projects, project, task) : NOTHING;
  };
}

/** The newest stored statuses for commits nobody's head, as seen from `task`. */
async function unclaimedStatus(store: Store, projects: ReadonlyMap<string, ProjectConfig>, project: ProjectConfig, task: Task): Promise<ProbeResult> {
  const shas = await store.db.read.ciStatuses.recentShas(project.repo, task.stageEnteredAt, task.headSha ?? '', 5);
  for (const sha of shas) {
    const owner = await resolveStatusOwner(store.db, projects, project.repo, sha);
    if (owner.type === 'head') continue;
    if (owner.type === 'unresolved') return skip(`CI status for unknown commit ${sha.slice(0, 7)} not resolved (${owner.reason})`);
    if (owner.task.id !== task.id) continue;
    // Only the newest unclaimed commit counts, and only when green: red or pending stays silent.
    if (ciVerdict(await statusesFor(store.db, project.repo, sha), project.requiredChecks).state !== 'success') return NOTHING;
    return {
      type: 'unblock',
      reason: `CI green on ${sha.slice(0, 7)}, a commit no branch head was known at (the only task in development)`,
      events: [{ type: 'BranchPushed', key: `reconciler:adopt:${task.id}:${sha}`, taskId: task.id, sha, actor: 'reconciler' }],
    };
  }
  return NOTHING;
}
