/**
 * The testing gate: the tester's report must carry a positive result. On red the developer gets
 * an excerpt of the failure output from the report's body.
 */
import { parseFrontmatter } from '../artifacts/frontmatter.ts';
import { unreadableReason } from '../artifacts/unreadable.ts';
import { readVerdict } from '../artifacts/verdict.ts';
import { excerptMustFix } from './must-fix.ts';
import { green, red } from './gate-result.ts';
import type { GateResult } from './gate-result.ts';

/**
 * Judges the test report `report` (null when the file does not exist) found at `artifactPath`.
 * Green only for a positive result; red otherwise, with a failure excerpt of the body as must-fix.
 */
export function testsGate(report: string | null, artifactPath: string): GateResult {
  if (report === null) return red(`test report ${artifactPath} is missing`);
  const unreadable = unreadableReason(report);
  if (unreadable !== null) return red(`test report ${artifactPath} is unreadable: ${unreadable}`);

  const verdict = readVerdict(report);
  if (verdict.type === 'positive') return green;
  const mustFix = excerptMustFix(parseFrontmatter(report).body, artifactPath);
  if (verdict.type === 'negative') {
    return red(`test report ${artifactPath} says ${verdict.token} (${verdict.field})`, mustFix);
  }
  return red(`test report ${artifactPath} has no result: ${verdict.reason}`, mustFix);
}
