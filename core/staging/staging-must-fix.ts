/**
 * The must-fix text a FAILED staging hands the next developer run: the failing checks' output
 * verbatim, or the build log's tail, or the health timeout's reason and last output — bounded by
 * MUST_FIX_LIMIT with a pointer to the report, like review findings (core/gates/must-fix.ts).
 */
import { cutToLength, MUST_FIX_LIMIT, truncateWithPointer, truncationNotice } from '../artifacts/truncate.ts';
import type { CheckOutcome } from './staging-types.ts';
import type { StagingProblem } from './staging-report.ts';
import type { VerdictResult } from './staging-verdict.ts';

/** null on SUCCESS. `pointer` is the report's path (`docs/work-items/<ID>/14-staging-report.md`). */
export function stagingMustFix(
  verdict: VerdictResult,
  checks: readonly CheckOutcome[],
  problem: StagingProblem | null,
  pointer: string,
): string | null {
  if (verdict.verdict === 'SUCCESS') return null;
  if (problem !== null) return problemMustFix(problem, pointer);
  const failing = checks.filter((c) => verdict.failing.includes(c.id));
  if (failing.length === 0) return truncateWithPointer(`Staging failed: ${verdict.reason ?? 'unknown reason'}`, MUST_FIX_LIMIT, pointer);
  const text = failing
    .map((c) => `Staging check ${c.id} "${c.name}" (${c.class === 'sandbox_infra' ? 'SANDBOX_INFRA, strict' : 'REAL'}) failed:\n${c.output.trimEnd() || '(no output)'}`)
    .join('\n\n');
  return truncateWithPointer(text, MUST_FIX_LIMIT, pointer);
}

/** The reason first, then as much of the log's END as fits (a build's error is at its end). */
function problemMustFix(problem: StagingProblem, pointer: string): string {
  const head = `Staging ${problem.step} failed: ${problem.reason.trim()}`;
  const log = problem.log.trimEnd();
  if (log === '') return truncateWithPointer(head, MUST_FIX_LIMIT, pointer);
  const notice = truncationNotice(pointer);
  const whole = `${head}\n${log}`;
  if (whole.length <= MUST_FIX_LIMIT) return whole;
  const shortHead = cutToLength(head, Math.floor(MUST_FIX_LIMIT / 4));
  const budget = MUST_FIX_LIMIT - shortHead.length - notice.length - 6;
  return `${shortHead}\n…\n${cutToLength(log, budget, 'end')}${notice}`;
}
