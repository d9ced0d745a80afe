/**
 * The analysis gate's artefact check: the BRD must exist and say something. The human approval
 * that follows it is a separate decision, not this gate's.
 */
import { parseFrontmatter } from '../artifacts/frontmatter.ts';
import { unreadableReason } from '../artifacts/unreadable.ts';
import { STAGE_SPECS } from '../domain/stage.ts';
import { green, red } from './gate-result.ts';
import type { GateResult } from './gate-result.ts';

const BRD_FILE = STAGE_SPECS.analysis.artifact ?? '01-brd.md';

/**
 * Green when the BRD is present, readable and non-empty once frontmatter and whitespace are
 * trimmed; red with the reason otherwise (missing, unreadable, broken frontmatter, empty).
 */
export function brdGate(brd: string | null): GateResult {
  if (brd === null) return red(`BRD ${BRD_FILE} is missing`);
  const unreadable = unreadableReason(brd);
  if (unreadable !== null) return red(`BRD ${BRD_FILE} is unreadable: ${unreadable}`);
  const frontmatter = parseFrontmatter(brd);
  if (frontmatter.type === 'invalid') {
    return red(`BRD ${BRD_FILE} is unreadable: ${frontmatter.reason}`);
  }
  if (frontmatter.body.trim() === '') return red(`BRD ${BRD_FILE} is empty`);
  return green;
}
