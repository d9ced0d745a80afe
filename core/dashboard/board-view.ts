/**
 * The dashboard's board, as data: one project's open tasks in columns by stage (the project's
 * stage order), with what each card shows and why it may be standing still. Recently finished
 * tasks close the board in a `done` column.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { inMergePhase } from '../domain/merge-phase.ts';
import type { Task } from '../domain/task.ts';
import { STAGE_SPECS, type WorkStage } from '../domain/stage.ts';
import type { Store } from '../store/store.ts';
import { mergeLeaseHolder } from '../store/merge-lease.ts';

/** Why a card is not moving on its own. */
export type BoardBadge = 'escalated' | 'approval' | 'merge-lease' | 'blocked';

export interface BoardCard {
  readonly id: string;
  readonly title: string;
  readonly stage: string;
  readonly phase: string;
  /** The current stage role's run number (0 before the first run). */
  readonly attempt: number;
  readonly rollbacks: number;
  /** Epoch ms the task entered its current stage (age = now − this). */
  readonly stageEnteredAt: number;
  readonly badges: readonly BoardBadge[];
}

export interface BoardView {
  readonly projectId: string;
  readonly columns: readonly { readonly stage: WorkStage | 'done'; readonly cards: readonly BoardCard[] }[];
}

/** How many finished tasks the `done` column shows. */
export const DONE_SHOWN = 20;

/** The board of `project`. */
export async function buildBoardView(store: Store, project: ProjectConfig): Promise<BoardView> {
  // Both queries follow the tasks_stage index (stage, escalated, updated_at): the open stages by
  // name rather than "not done", and the done column newest first without sorting every done task.
  const open = await store.db.read.taskQueries.inStages(project.id, project.stages);
  const done = await store.db.read.taskQueries.recentlyDone(project.id, DONE_SHOWN);
  const holder = (await mergeLeaseHolder(store.db, project.id))?.holder ?? null;
  const card = (row: Task): BoardCard => {
    const role = row.stage in STAGE_SPECS ? STAGE_SPECS[row.stage as WorkStage].role : null;
    const badges: BoardBadge[] = [];
    if (row.escalated) badges.push('escalated');
    if (row.blocked) badges.push('blocked');
    if (row.stage === 'analysis' && row.phase === 'awaiting-approval') badges.push('approval');
    const waitsForLease = row.mergeQueuedAt !== null && holder !== null && holder !== row.id && inMergePhase(row);
    if (waitsForLease && row.phase !== 'awaiting-ci') badges.push('merge-lease');
    return {
      id: row.id,
      title: row.title,
      stage: row.stage,
      phase: row.phase,
      attempt: role ? (row.attempts[role] ?? 0) : 0,
      rollbacks: row.rollbacks,
      stageEnteredAt: row.stageEnteredAt,
      badges,
    };
  };
  return {
    projectId: project.id,
    columns: [
      ...project.stages.map((stage) => ({ stage, cards: open.filter((t) => t.stage === stage).map(card) })),
      { stage: 'done' as const, cards: done.map(card) },
    ],
  };
}
