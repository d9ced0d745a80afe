/**
 * The staging verdict (design §10, ADR 0025): a pure function of what happened, never throws,
 * never a false green.
 *
 * - any internal error (engine unreachable, build failed, health timeout, exec error) → FAILED;
 * - any REAL check failed → FAILED (a check without a known class counts as REAL);
 * - only SANDBOX_INFRA checks failed → SUCCESS with those waived, unless strict → FAILED;
 * - everything passed, or there were no checks → SUCCESS.
 */
import type { CheckOutcome, StagingVerdict } from './staging-types.ts';

/** What the run saw. `internalError` is set when the run could not complete its steps. */
export interface VerdictInput {
  readonly internalError: string | null;
  readonly checks: readonly CheckOutcome[];
  /** Project `strict`, or the kill switch (see {@link effectiveStrict}). */
  readonly strict: boolean;
}

/** The verdict and why. */
export interface VerdictResult {
  readonly verdict: StagingVerdict;
  /** SANDBOX_INFRA checks that failed and were waived (SUCCESS only). */
  readonly waived: readonly string[];
  /** Checks whose failure decided FAILED (REAL ones, or SANDBOX_INFRA ones under strict). */
  readonly failing: readonly string[];
  /** Why FAILED; null on SUCCESS. */
  readonly reason: string | null;
}

/** Strict when the project says so or the infra tolerance kill switch is off. */
export function effectiveStrict(projectStrict: boolean, infraToleranceEnabled: boolean): boolean {
  return projectStrict || !infraToleranceEnabled;
}

/** A check's class as the verdict reads it: only an explicit `sandbox_infra` may be waived. */
export function isSandboxInfra(check: Pick<CheckOutcome, 'class'>): boolean {
  return typeof check.class === 'string' && check.class.toLowerCase() === 'sandbox_infra';
}

/** Decide SUCCESS or FAILED. Never throws: anything unexpected is FAILED with a reason. */
export function stagingVerdict(input: VerdictInput): VerdictResult {
  try {
    return decide(input);
  } catch (error) {
    return failed([], `the verdict could not be computed (${error instanceof Error ? error.message : String(error)})`);
  }
}

function decide(input: VerdictInput): VerdictResult {
  if (input.internalError !== null && input.internalError !== undefined) {
    return failed([], input.internalError.trim() === '' ? 'internal error' : input.internalError);
  }
  const checks = input.checks as readonly CheckOutcome[] | null | undefined;
  if (checks === null || checks === undefined) return failed([], 'the checks are missing');
  const failedChecks = checks.filter((c) => c.passed !== true);
  const real = failedChecks.filter((c) => !isSandboxInfra(c)).map((c) => c.id);
  const infra = failedChecks.filter((c) => isSandboxInfra(c)).map((c) => c.id);
  if (real.length > 0) return failed(real, `REAL check${real.length > 1 ? 's' : ''} failed: ${real.join(', ')}`);
  if (infra.length > 0 && input.strict !== false) {
    return failed(infra, `SANDBOX_INFRA check${infra.length > 1 ? 's' : ''} failed under strict staging: ${infra.join(', ')}`);
  }
  return { verdict: 'SUCCESS', waived: infra, failing: [], reason: null };
}

function failed(failing: readonly string[], reason: string): VerdictResult {
  return { verdict: 'FAILED', waived: [], failing, reason };
}
