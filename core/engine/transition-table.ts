/**
 * The transition table as data: what leaving each stage takes, and where red sends a task.
 * The engine consults it for every move and refuses (throws, a programming error) any change of
 * stage the table does not allow, so a handler bug cannot teleport a task.
 */
import { ALL_STAGES, type Stage, type WorkStage } from '../domain/stage.ts';

/** How a stage's agent run is judged when it finishes. */
export type AfterRun =
  /** Gate on the BRD, then a person approves. */
  | 'gate-then-approval'
  /** Wait for CI on the pushed head. */
  | 'await-ci'
  /** Gate on the stage's artefact. */
  | 'gate'
  /** No agent: the staging job's verdict (ADR 0023). */
  | 'staging-verdict'
  /** No agent: a production approval, then the deploy job's verdict (ADR 0032). */
  | 'deploy-verdict';

/** Where a red gate sends the task. */
export type OnRed = 'rerun-stage' | 'rollback-to-development';

export interface StageRule {
  readonly afterRun: AfterRun;
  readonly onRed: OnRed;
}

export const STAGE_RULES: Readonly<Partial<Record<WorkStage, StageRule>>> = {
  analysis: { afterRun: 'gate-then-approval', onRed: 'rerun-stage' },
  development: { afterRun: 'await-ci', onRed: 'rerun-stage' },
  review: { afterRun: 'gate', onRed: 'rollback-to-development' },
  testing: { afterRun: 'gate', onRed: 'rollback-to-development' },
  'deploy-staging': { afterRun: 'staging-verdict', onRed: 'rollback-to-development' },
  deploy: { afterRun: 'deploy-verdict', onRed: 'rollback-to-development' },
};

/** May a task move from `from` (null: creation) to `to`? */
export function isAllowedMove(from: Stage | null, to: Stage): boolean {
  if (from === null) return to === 'analysis';
  if (from === to) return true;
  if (from === 'done' || from === 'cancelled') return false;
  if (to === 'cancelled' || to === 'done') return true;
  // Rollbacks land in development; nothing goes back to analysis except a reject within it.
  if (to === 'development') return true;
  if (to === 'analysis') return false;
  // A validated image that went stale before its deploy is staged again (ADR 0032).
  if (from === 'deploy' && to === 'deploy-staging') return true;
  // Otherwise forward only, one or more stages (disabled stages are skipped).
  return ALL_STAGES.indexOf(to) > ALL_STAGES.indexOf(from);
}
