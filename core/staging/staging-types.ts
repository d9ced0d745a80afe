/**
 * The staging stage's vocabulary (design §10 "Staging"), shared by the projects-file parser, the
 * staging run (build, replace, health, checks, verdict) and the engine's staging job.
 */

/** A staging check's class: a REAL failure fails staging; a SANDBOX_INFRA one may be waived. */
export type CheckClass = 'real' | 'sandbox_infra';

/** One check, run inside the staging container with `sh -c`; exit 0 = pass. */
export interface StagingCheckConfig {
  readonly id: string;
  readonly name: string;
  readonly command: string;
  /** Absent in the projects file = `real`. */
  readonly class: CheckClass;
}

/** A project's `staging` block, validated. Paths are relative to the repository. */
export interface StagingConfig {
  readonly dockerfile: string;
  readonly context: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** argv-less shell command for the container (`sh -c`), or null for the image's default. */
  readonly command: string | null;
  readonly health: { readonly command: string; readonly timeoutS: number };
  readonly checks: readonly StagingCheckConfig[];
  readonly strict: boolean;
  readonly network: string;
  readonly memoryMb: number;
  /** Budget for the whole staging run (build, health, checks). */
  readonly timeoutS: number;
}

/** What staging needs to know about one run. */
export interface StagingInput {
  readonly projectId: string;
  readonly taskId: string;
  /** The exact branch head being staged. */
  readonly sha: string;
  /** The task's worktree, checked out at `sha`. */
  readonly worktreePath: string;
  readonly staging: StagingConfig;
  /** The project's `strict`, or ORCH_STAGING_INFRA_TOLERANCE_ENABLED=false. */
  readonly strict: boolean;
  readonly signal?: AbortSignal;
}

/** How one check went. */
export interface CheckOutcome {
  readonly id: string;
  readonly name: string;
  readonly class: CheckClass;
  readonly passed: boolean;
  /** stdout and stderr together (tail). */
  readonly output: string;
}

export type StagingVerdict = 'SUCCESS' | 'FAILED';

/** The result of one staging run. Never a false green: any internal error is FAILED with a reason. */
export interface StagingResult {
  readonly verdict: StagingVerdict;
  /** The validated revision (= input sha). */
  readonly revision: string;
  /** `sha256:…` of the built image, null when the build failed. */
  readonly imageId: string | null;
  /** `conveyor/<project lower-case>:<sha>`. */
  readonly imageRef: string;
  readonly checks: readonly CheckOutcome[];
  /** Ids of SANDBOX_INFRA checks that failed and were waived (SUCCESS only). */
  readonly waived: readonly string[];
  /** Why FAILED (build failed, health timed out, REAL check failed, engine error); null on SUCCESS. */
  readonly reason: string | null;
  /** Verbatim text for the next developer run on FAILED (failing checks' output, build log tail). */
  readonly mustFix: string | null;
  /** The markdown of `docs/work-items/<ID>/14-staging-report.md`. */
  readonly report: string;
  readonly durationMs: number;
}

/** Runs staging for one branch head. */
export interface StagingRunnerPort {
  run(input: StagingInput): Promise<StagingResult>;
}
