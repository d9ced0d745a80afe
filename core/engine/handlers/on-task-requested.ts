import { wellFormed } from '../../display-text.ts';
import type { DomainEvent } from '../../domain/events.ts';
import { artifactsDirOf, branchOf, type Task } from '../../domain/task.ts';
import type { Draft } from '../draft.ts';
import { need } from '../facts/event-facts.ts';
import type { EngineOutcome } from '../outcome.ts';

type TaskRequested = Extract<DomainEvent, { type: 'TaskRequested' }>;

/**
 * Create a task at analysis and enqueue the analyst. Atomic and idempotent: the same tracker
 * issue (project + external id) or the same explicit number never makes a second task.
 */
export function decideTaskRequested(d: Draft, event: TaskRequested): EngineOutcome {
  const project = d.rules.projects.get(event.projectId);
  if (!project) return { type: 'rejected', reason: `unknown project ${event.projectId}` };
  const title = event.title.trim();
  if (!title) return { type: 'rejected', reason: 'a task needs a title' };
  if (event.externalId) {
    const existing = need(d.facts.sameExternal, 'sameExternal');
    if (existing) return { type: 'duplicate', taskId: existing.id };
  }
  const number = need(d.facts.number, 'number');
  const id = `${project.id}-${number}`;
  const clash = need(d.facts.clash, 'clash');
  if (clash) {
    return clash.externalId === (event.externalId ?? null) ? { type: 'duplicate', taskId: id } : { type: 'rejected', reason: `task id ${id} is taken` };
  }
  const task: Task = {
    id,
    projectId: project.id,
    // Stored as the database reads it back: lone surrogates (also one the cut at 300 would leave) as U+FFFD.
    title: wellFormed(title.slice(0, 300)),
    description: wellFormed(event.description ?? ''),
    source: event.source,
    externalId: event.externalId ?? null,
    externalUrl: event.externalUrl ?? null,
    stage: 'analysis',
    phase: 'working',
    attempts: { analyst: 1 },
    rollbacks: 0,
    escalated: false,
    escalationReason: null,
    blocked: false,
    mustFix: null,
    notes: null,
    branch: branchOf(id),
    headSha: null,
    behindDefault: false,
    prNumber: null,
    mergeQueuedAt: null,
    stagingImageId: null,
    stagingImageRef: null,
    stagingRevision: null,
    stagingVerdict: null,
    stagingWaived: null,
    requestedBy: event.requester ?? requesterOf(event.actor),
    lastEvent: event.source !== 'chat' ? 'created from the tracker' : 'created from the chat',
    lastEventAt: d.now,
    stageEnteredAt: d.now,
    createdAt: d.now,
    updatedAt: d.now,
    version: 1,
  };
  d.created(task, event.actor);
  d.enqueue({
    kind: 'agent',
    taskId: id,
    payload: { role: 'analyst', attempt: 1, stage: 'analysis', artifactsDir: artifactsDirOf(id) },
    idempotencyKey: `${id}:agent:analyst:1`,
  });
  return { type: 'created', taskId: id };
}

/** `telegram:<id>` of a chat requester (the four-eyes rule compares Telegram ids); null otherwise. */
function requesterOf(actor: string): string | null {
  const match = /^telegram:(\d+)/.exec(actor);
  return match ? `telegram:${match[1]}` : null;
}
