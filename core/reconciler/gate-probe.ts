/**
 * Gate side: a task waiting for CI whose stored statuses for its head are already green (the event
 * that should have moved it was lost or could not be matched). Read-only: red or pending does
 * nothing, so a red gate stays silent over any number of passes.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { combineCiStates } from '../gates/ci-combine.ts';
import type { Store } from '../store/database.ts';
import { statusesFor } from '../store/ci-status-repo.ts';
import type { Probe } from './reconciler.ts';

export function gateProbe(store: Store, projects: ReadonlyMap<string, ProjectConfig>): Probe {
  return (task) => {
    if (task.stage !== 'development' || task.phase !== 'awaiting-ci' || !task.headSha) return { type: 'nothing' };
    const project = projects.get(task.projectId);
    if (!project) return { type: 'skip', reason: 'unknown project' };
    const statuses = statusesFor(store.db, project.repo, task.headSha);
    if (statuses.length === 0 || combineCiStates(statuses) !== 'success') return { type: 'nothing' };
    return {
      type: 'unblock',
      reason: `CI green on ${task.headSha.slice(0, 7)} (status not applied)`,
      event: { type: 'CiStatusReported', key: `reconciler:ci:${task.id}:${task.headSha}`, taskId: task.id, sha: task.headSha, state: 'success', detail: '', actor: 'reconciler' },
    };
  };
}
