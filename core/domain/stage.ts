/**
 * The stage registry: the pipeline's stages as data. Order matters; projects may switch stages
 * off but never reorder them. `analysis` and `development` are mandatory.
 */
export const ALL_STAGES = ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'] as const;

/** A working stage of the pipeline. */
export type WorkStage = (typeof ALL_STAGES)[number];

/** Any stage a task can be in, including its terminal ones. */
export type Stage = WorkStage | 'done' | 'cancelled';

/** An agent role (design §4). */
export type Role = 'analyst' | 'developer' | 'reviewer' | 'tester';

export const ROLES: readonly Role[] = ['analyst', 'developer', 'reviewer', 'tester'];

/** What a stage needs and produces. */
export interface StageSpec {
  readonly stage: WorkStage;
  /** The agent that works in this stage, if any. */
  readonly role: Role | null;
  /** The artefact the stage's gate reads, relative to the task's artefacts dir. */
  readonly artifact: string | null;
}

export const STAGE_SPECS: Readonly<Record<WorkStage, StageSpec>> = {
  analysis: { stage: 'analysis', role: 'analyst', artifact: '01-brd.md' },
  development: { stage: 'development', role: 'developer', artifact: null },
  review: { stage: 'review', role: 'reviewer', artifact: '12-review.md' },
  testing: { stage: 'testing', role: 'tester', artifact: '13-test-report.md' },
  'deploy-staging': { stage: 'deploy-staging', role: null, artifact: null },
  deploy: { stage: 'deploy', role: null, artifact: null },
};

/** Stages this release can run end to end (production `deploy`: ADR 0032). */
export const SUPPORTED_STAGES: readonly WorkStage[] = ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'];

/** Stages a project gets when its projects-file entry lists none (the Docker stages are opt-in). */
export const DEFAULT_STAGES: readonly WorkStage[] = ['analysis', 'development', 'review', 'testing'];

/** The enabled stage after `stage` in a project's list, or null when `stage` is the last one. */
export function nextStage(enabled: readonly WorkStage[], stage: WorkStage): WorkStage | null {
  const ordered = ALL_STAGES.filter((s) => enabled.includes(s));
  const index = ordered.indexOf(stage);
  return index >= 0 && index + 1 < ordered.length ? (ordered[index + 1] ?? null) : null;
}

/** The stage a role works in. */
export function stageOfRole(role: Role): WorkStage {
  const spec = Object.values(STAGE_SPECS).find((s) => s.role === role);
  if (!spec) throw new Error(`no stage for role ${role}`);
  return spec.stage;
}
