import type { Role, Stage } from './stage.ts';

/**
 * Where a task is inside its stage.
 * - `working`: the stage's agent job is queued or running (the job row says which).
 * - `awaiting-approval`: a person must decide (BRD).
 * - `awaiting-ci`: the developer pushed; waiting for a CI verdict on the branch head.
 * - `merging`: the merge job runs after the last enabled stage (it may wait for the merge lease).
 * - `idle`: terminal stages.
 */
export type Phase = 'working' | 'awaiting-approval' | 'awaiting-ci' | 'merging' | 'idle';

/** A task as the engine sees it. */
export interface Task {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly description: string;
  readonly source: 'chat' | 'plane' | 'github';
  readonly externalId: string | null;
  readonly externalUrl: string | null;
  readonly stage: Stage;
  readonly phase: Phase;
  /** Runs per role so far (1-based attempt of the next run = count + 1). */
  readonly attempts: Readonly<Partial<Record<Role, number>>>;
  /** Rollbacks into development so far; capped by ORCH_MAX_DEVELOPER_RETRIES. */
  readonly rollbacks: number;
  readonly escalated: boolean;
  readonly escalationReason: string | null;
  /** The tracker says blocked or needs input: no automatic progress. */
  readonly blocked: boolean;
  /** Verbatim must-fix text for the next developer run. */
  readonly mustFix: string | null;
  /** Notes for the next analyst run (a reject reason). */
  readonly notes: string | null;
  readonly branch: string;
  readonly headSha: string | null;
  readonly behindDefault: boolean;
  readonly prNumber: number | null;
  /** When the task entered the merge phase (its place in the merge queue); null outside it. */
  readonly mergeQueuedAt: number | null;
  /** Image id (`sha256:…`) of the last staging run; null before staging or when the build failed. */
  readonly stagingImageId: string | null;
  /** `conveyor/<project>:<sha>` of the last staging run. */
  readonly stagingImageRef: string | null;
  /** The revision the last staging run validated. */
  readonly stagingRevision: string | null;
  readonly stagingVerdict: 'SUCCESS' | 'FAILED' | null;
  /** SANDBOX_INFRA checks the last staging run waived. */
  readonly stagingWaived: readonly string[] | null;
  /** Who requested the task (`telegram:<id>` for /new, a tracker creator's Telegram id when known); null when unknown. */
  readonly requestedBy: string | null;
  readonly lastEvent: string;
  readonly lastEventAt: number;
  readonly stageEnteredAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

/** Task ids are `<PROJECT>-<number>`. */
export const TASK_ID_PATTERN = /^[A-Z][A-Z0-9_]{0,19}-[1-9][0-9]{0,8}$/;

export function branchOf(taskId: string): string {
  return `task/${taskId}`;
}

export function artifactsDirOf(taskId: string): string {
  return `docs/work-items/${taskId}`;
}
