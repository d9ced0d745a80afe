/**
 * What every event handler works with: the open transaction, the time, the dependencies, and the
 * primitives that change a task (each writes the task row, a transition and a card update).
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { DomainEvent } from '../domain/events.ts';
import type { Phase, Task } from '../domain/task.ts';
import type { Stage } from '../domain/stage.ts';
import type { Logger } from '../ports/logger.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { NewJob } from '../queue/job.ts';
import type { Tx } from '../store/store.ts';
import { addOutbox } from '../store/outbox-repo.ts';
import { updateTask, type TaskPatch } from '../store/task-repo.ts';
import { appendTransition } from '../store/transition-log.ts';
import { isAllowedMove } from './transition-table.ts';

/** Static dependencies of the engine. */
export interface EngineDeps {
  readonly queue: JobQueue;
  readonly projects: ReadonlyMap<string, ProjectConfig>;
  readonly maxDeveloperRetries: number;
  /** A tracker client is configured (tracker jobs are enqueued for tasks from the tracker). */
  readonly trackerEnabled: boolean;
  /** A forge client is configured (PRs are opened, merges go through it). */
  readonly forgeEnabled: boolean;
  readonly newId: () => string;
  readonly logger: Logger;
}

export class EngineContext {
  private keyUsed = false;
  transitions = 0;

  constructor(
    readonly tx: Tx,
    readonly now: number,
    readonly deps: EngineDeps,
    readonly event: DomainEvent,
  ) {}

  project(task: Task): ProjectConfig {
    const project = this.deps.projects.get(task.projectId);
    if (!project) throw new Error(`task ${task.id} belongs to unknown project ${task.projectId}`);
    return project;
  }

  /**
   * Change a task and log the transition. The first transition of an event carries its key, so a
   * replay of the event is recognised. `lastEvent` is what the card shows as "last:".
   */
  async move(task: Task, patch: TaskPatch & { lastEvent: string }, reason: string, actor: string): Promise<Task> {
    const toStage: Stage = patch.stage ?? task.stage;
    const toPhase: Phase = patch.phase ?? task.phase;
    if (!isAllowedMove(task.stage, toStage)) throw new Error(`transition table forbids ${task.stage} → ${toStage} for ${task.id}`);
    const stageChanged = toStage !== task.stage;
    const next = await updateTask(
      this.tx,
      task,
      { ...patch, lastEventAt: this.now, ...(stageChanged ? { stageEnteredAt: this.now } : {}) },
      this.now,
    );
    await appendTransition(this.tx, {
      taskId: task.id,
      fromStage: task.stage,
      fromPhase: task.phase,
      toStage,
      toPhase,
      reason,
      actor,
      eventKey: this.takeKey(),
      at: this.now,
    });
    this.transitions += 1;
    await this.card(task.id);
    return next;
  }

  /** Record the first transition of a new task. */
  async created(task: Task, actor: string): Promise<void> {
    await appendTransition(this.tx, {
      taskId: task.id,
      fromStage: null,
      fromPhase: null,
      toStage: task.stage,
      toPhase: task.phase,
      reason: 'task requested',
      actor,
      eventKey: this.takeKey(),
      at: this.now,
    });
    this.transitions += 1;
    await this.card(task.id);
  }

  async enqueue(job: NewJob): Promise<number | null> {
    return await this.deps.queue.enqueueInTx(this.tx, job, this.now);
  }

  async card(taskId: string): Promise<void> {
    await addOutbox(this.tx, 'card', taskId, {}, this.now);
  }

  async outbox(kind: 'approval-request' | 'approval-decided' | 'escalation' | 'notice', taskId: string, payload: Record<string, unknown>): Promise<void> {
    await addOutbox(this.tx, kind, taskId, payload, this.now);
  }

  private takeKey(): string | null {
    if (this.keyUsed) return null;
    this.keyUsed = true;
    return this.event.key;
  }
}
