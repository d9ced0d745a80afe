/**
 * A decision being made (ADR 0056): the deciders and the moves they compose record effects here
 * instead of writing. It keeps the task as the effects so far leave it (a move returns the moved
 * task, as the database would read it back), so a decider that makes several moves reasons about
 * the right state. Pure: no store, no clock, no I/O.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { DeployState } from '../deploy/deploy-state.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { Task } from '../domain/task.ts';
import type { NewJob } from '../queue/job.ts';
import type { TaskPatch } from '../store/task-repo.ts';
import type { Decision, Effect } from './decision.ts';
import type { EngineRules } from './engine-deps.ts';
import type { EventFacts } from './facts/event-facts.ts';
import type { EngineOutcome } from './outcome.ts';

/** The patch a move writes (its timestamps added) and the task it leaves. */
export function stampMove(task: Task, patch: TaskPatch, now: number): { patch: TaskPatch; next: Task } {
  const stageChanged = (patch.stage ?? task.stage) !== task.stage;
  const stamped: TaskPatch = { ...patch, lastEventAt: now, ...(stageChanged ? { stageEnteredAt: now } : {}) };
  return { patch: stamped, next: { ...task, ...stamped, updatedAt: now, version: task.version + 1 } };
}

export class Draft {
  private readonly list: Effect[] = [];
  private deploy: DeployState | null | undefined;
  /** Transitions so far (moves and creations): the `applied` outcome reports them. */
  transitions = 0;

  constructor(
    readonly event: DomainEvent,
    readonly facts: EventFacts,
    readonly rules: EngineRules,
    private readonly mintId: () => string,
  ) {
    this.deploy = facts.deployState;
  }

  get now(): number {
    return this.facts.now;
  }

  get effects(): readonly Effect[] {
    return this.list;
  }

  project(task: Pick<Task, 'id' | 'projectId'>): ProjectConfig {
    const project = this.rules.projects.get(task.projectId);
    if (!project) throw new Error(`task ${task.id} belongs to unknown project ${task.projectId}`);
    return project;
  }

  /** A fresh id (approvals). */
  newId(): string {
    return this.mintId();
  }

  add(effect: Effect): void {
    this.list.push(effect);
  }

  /** Change a task; `lastEvent` is what the card shows as "last:". Returns the moved task. */
  move(task: Task, patch: TaskPatch & { lastEvent: string }, reason: string, actor: string): Task {
    const moved = stampMove(task, patch, this.now);
    this.list.push({ type: 'move', task, patch: moved.patch, reason, actor });
    this.transitions += 1;
    return moved.next;
  }

  /** Create a task (its first transition). */
  created(task: Task, actor: string): void {
    this.list.push({ type: 'create-task', task, actor });
    this.transitions += 1;
  }

  enqueue(job: NewJob): void {
    this.list.push({ type: 'enqueue', job });
  }

  outbox(kind: 'approval-request' | 'approval-decided' | 'escalation' | 'notice', taskId: string, payload: Record<string, unknown>): void {
    this.list.push({ type: 'outbox', kind, taskId, payload });
  }

  /** The task's deploy pass as the effects so far leave it. */
  deployState(): DeployState | null {
    if (this.deploy === undefined) throw new Error('the facts lack deployState');
    return this.deploy;
  }

  saveDeployState(state: DeployState): void {
    this.deploy = state;
    this.list.push({ type: 'save-deploy-state', state });
  }

  /** The `applied` outcome for `taskId`. */
  applied(taskId: string): EngineOutcome {
    return { type: 'applied', taskId, transitions: this.transitions };
  }

  decision(outcome: EngineOutcome): Decision {
    return { effects: [...this.list], outcome };
  }
}
