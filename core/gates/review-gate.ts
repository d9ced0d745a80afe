/**
 * The review gate: the reviewer's verdict must be positive and no finding may be P0 or P1. On red
 * the blocking findings go back to the developer verbatim.
 */
import { parseFrontmatter } from '../artifacts/frontmatter.ts';
import { parseFindings } from '../artifacts/review-findings.ts';
import { unreadableReason } from '../artifacts/unreadable.ts';
import { readVerdict } from '../artifacts/verdict.ts';
import { excerptMustFix, findingsMustFix } from './must-fix.ts';
import { green, red } from './gate-result.ts';
import type { GateResult } from './gate-result.ts';

/**
 * Judges the review artefact `review` (null when the file does not exist) found at
 * `artifactPath`. Green only for a positive verdict without P0/P1 findings. Red otherwise; its
 * must-fix text is the P0/P1 findings, or for a negative verdict without them an excerpt of the
 * review.
 */
export function reviewGate(review: string | null, artifactPath: string): GateResult {
  if (review === null) return red(`review ${artifactPath} is missing`);
  const unreadable = unreadableReason(review);
  if (unreadable !== null) return red(`review ${artifactPath} is unreadable: ${unreadable}`);

  const verdict = readVerdict(review);
  const blocking = parseFindings(review).findings.filter((f) => f.severity !== 'P2');
  const blockingMustFix = blocking.length > 0 ? findingsMustFix(blocking, artifactPath) : undefined;

  switch (verdict.type) {
    case 'none':
      return red(`review ${artifactPath} has no verdict: ${verdict.reason}`, blockingMustFix);
    case 'negative': {
      const reason = `review ${artifactPath} says ${verdict.token} (${verdict.field})`;
      return red(reason, blockingMustFix ?? excerptMustFix(parseFrontmatter(review).body, artifactPath));
    }
    case 'positive':
      if (blockingMustFix === undefined) return green;
      return red(
        `review ${artifactPath} is ${verdict.token} but has ${blocking.length} P0/P1 finding(s)`,
        blockingMustFix,
      );
  }
}
