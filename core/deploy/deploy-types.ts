/**
 * The production deploy stage's vocabulary (design §10 "Production"), shared by the projects-file
 * parser, the pure deploy decisions in this folder, the hook runner port and the promotion.
 */

/** How production is probed after the hook exits 0: `command` must succeed `successes` times in a row. */
export interface DeployHealthConfig {
  /** Run on the Conveyor host with `sh -c`; exit 0 = one success. */
  readonly command: string;
  /** Budget for the whole health loop, in seconds (default 120). */
  readonly timeoutS: number;
  /** Consecutive successes needed (default 3). */
  readonly successes: number;
}

/** A project's `deploy` block, validated, with its defaults applied. */
export interface DeployConfig {
  /** Production image repository (no tag): the validated image is retagged `<image>:<sha>` and `<image>:current`. */
  readonly image: string;
  /** Shell command run on the Conveyor host (`sh -c`, cwd the task's worktree) with the §10 environment. */
  readonly hook: string;
  readonly health: DeployHealthConfig;
  /** Telegram user ids who may decide a production approval; the project's approvers when absent. */
  readonly approvers: readonly number[];
  /** The person who requested the task may not approve its deploy. */
  readonly fourEyes: boolean;
  /** Conveyor deploys itself: the hook runs detached and reports through a result file (ADR 0027). */
  readonly self: boolean;
  /** Seconds the hook may run before its state counts as unknown (default 900). */
  readonly timeoutS: number;
}

/** Defaults of the `deploy` block (design §10). */
export const DEPLOY_DEFAULTS = {
  healthTimeoutS: 120,
  healthSuccesses: 3,
  fourEyes: false,
  self: false,
  timeoutS: 900,
} as const;
