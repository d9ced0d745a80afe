/**
 * Reads what an event's decider needs, inside the event's unit of work (ADR 0056). Each event
 * loads its task and only the other facts its decider can reach.
 */
import { rollbackOffer } from '../../deploy/rollback-offer.ts';
import type { DomainEvent } from '../../domain/events.ts';
import type { Task } from '../../domain/task.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import { getApproval, pendingApproval } from '../../store/approval-repo.ts';
import { statusesFor } from '../../store/ci-status-repo.ts';
import type { Tx } from '../../store/store.ts';
import { loadDeployState } from '../../store/deploy-state-repo.ts';
import { rollbackById } from '../../store/rollback-repo.ts';
import { findTaskByExternal, getTask, nextTaskNumber } from '../../store/task-repo.ts';
import type { EngineRules } from '../engine-deps.ts';
import { openTasksNotBehind } from '../handlers/on-push.ts';
import type { EventFacts } from './event-facts.ts';

export async function loadFacts(tx: Tx, event: DomainEvent, rules: EngineRules, queue: JobQueue, now: number): Promise<EventFacts> {
  if (event.type === 'TaskRequested') return await taskRequestedFacts(tx, event, rules, now);
  if (event.type === 'DefaultBranchMoved') return { now, task: null, notBehind: await openTasksNotBehind(tx, event.projectId) };
  const task = await getTask(tx, event.taskId);
  if (!task) return { now, task, approval: event.type === 'ApprovalDecided' ? await getApproval(tx, event.approvalId) : null, rollback: null };
  // Any event that can advance a task may enter (or end) a deploy pass.
  const base: EventFacts = { now, task, deployState: await loadDeployState(tx, task.id) };
  const ci = async (sha: string | null): Promise<EventFacts['ci']> => {
    const project = rules.projects.get(task.projectId);
    return project && sha ? { sha, statuses: await statusesFor(tx, project.repo, sha) } : undefined;
  };
  switch (event.type) {
    case 'AgentRunFinished':
      return { ...base, ci: await ci(event.facts.headSha ?? task.headSha) };
    case 'BranchPushed':
    case 'MergeRetestRequested':
      return { ...base, ci: await ci(event.sha) };
    case 'ApprovalDecided':
      return { ...base, approval: await getApproval(tx, event.approvalId) };
    case 'TrackerStateChanged':
    case 'TaskCancelled':
      return { ...base, approval: await pendingApproval(tx, task.id, 'brd') };
    case 'RetryRequested':
      return { ...base, activeJobs: (await queue.activeForTask(task.id, tx)).length };
    case 'RollbackRequested':
      return { ...base, rollbackOffer: await rollbackOffer(tx, rules.projects.get(task.projectId)?.deploy, task) };
    case 'RollbackFinished':
      return { ...base, rollback: await rollbackById(tx, event.rollbackId) };
    default:
      return base;
  }
}

async function taskRequestedFacts(tx: Tx, event: Extract<DomainEvent, { type: 'TaskRequested' }>, rules: EngineRules, now: number): Promise<EventFacts> {
  const project = rules.projects.get(event.projectId);
  if (!project) return { now, task: null };
  const sameExternal: Task | null = event.externalId ? await findTaskByExternal(tx, project.id, event.externalId) : null;
  const number = event.number ?? (await nextTaskNumber(tx, project.id));
  return { now, task: null, sameExternal, number, clash: await getTask(tx, `${project.id}-${number}`) };
}
