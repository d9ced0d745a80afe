/**
 * The must-fix text a red gate hands the next developer run: the blocking findings verbatim, or
 * an excerpt of the failure, always bounded by MUST_FIX_LIMIT and pointing at the full artefact.
 */
import { failureExcerpt } from '../artifacts/failure-excerpt.ts';
import type { Finding } from '../artifacts/review-findings.ts';
import { MUST_FIX_LIMIT, truncateWithPointer } from '../artifacts/truncate.ts';

/** One `- P0: …` line per finding, continuation lines kept, truncated with a pointer. */
export function findingsMustFix(findings: readonly Finding[], pointer: string): string {
  const listed = findings.map((finding) => `- ${finding.severity}: ${finding.text}`).join('\n');
  return truncateWithPointer(listed, MUST_FIX_LIMIT, pointer);
}

/**
 * A failure excerpt of `body` (see {@link failureExcerpt}) with a pointer to the full text when it
 * shows less than the whole body; undefined when the body has nothing to show.
 */
export function excerptMustFix(body: string, pointer: string): string | undefined {
  const notice = `\n… (excerpt, full text: ${pointer})`;
  const excerpt = failureExcerpt(body, MUST_FIX_LIMIT - notice.length);
  if (excerpt.trim() === '') return undefined;
  return excerpt === body.trim() ? excerpt : excerpt + notice;
}
