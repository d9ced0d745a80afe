/**
 * `docs/work-items/<ID>/14-staging-report.md` (design §10, ADR 0025): frontmatter with the status,
 * revision, image and waived checks; one line per check; the failing output; last line the verdict.
 */
import { cutToLength } from '../artifacts/truncate.ts';
import type { CheckOutcome, StagingCheckConfig } from './staging-types.ts';
import { isSandboxInfra, type VerdictResult } from './staging-verdict.ts';

/** The report's file name inside the task's artefacts dir. */
export const STAGING_REPORT_FILE = '14-staging-report.md';

/** Longest output shown per check or log in the report; the end survives (errors come last). */
export const REPORT_OUTPUT_LIMIT = 16_000;

/** The step that could not complete (an internal error), with what it left to show. */
export interface StagingProblem {
  readonly step: 'build' | 'container' | 'health' | 'checks' | 'run';
  readonly reason: string;
  /** The build log's tail, the health command's last output, or ''. */
  readonly log: string;
}

/** Everything the report shows. */
export interface StagingReportInput {
  readonly taskId: string;
  readonly revision: string;
  readonly imageRef: string;
  readonly imageId: string | null;
  /** The checks configured, in order (those not run are listed as such). */
  readonly planned: readonly StagingCheckConfig[];
  /** The checks that ran. */
  readonly checks: readonly CheckOutcome[];
  readonly verdict: VerdictResult;
  readonly strict: boolean;
  readonly problem: StagingProblem | null;
}

/** The report's path relative to the worktree. */
export function stagingReportPath(taskId: string): string {
  return `docs/work-items/${taskId}/${STAGING_REPORT_FILE}`;
}

/** One line per check: `PASS C1 API answers`, `FAIL C9a … (SANDBOX_INFRA, waived)`, `SKIP …`. */
export function checkLine(check: CheckOutcome | undefined, planned: StagingCheckConfig, waived: readonly string[], strict: boolean): string {
  const title = `${planned.id} ${oneLine(planned.name)}`;
  if (check === undefined) return `SKIP ${title} (not run)`;
  if (check.passed) return `PASS ${title}`;
  if (!isSandboxInfra(check)) return `FAIL ${title} (REAL)`;
  return `FAIL ${title} (SANDBOX_INFRA, ${waived.includes(check.id) ? 'waived' : strict ? 'strict' : 'not waived'})`;
}

/** Render the report's markdown. */
export function renderStagingReport(input: StagingReportInput): string {
  const { verdict } = input;
  const lines = [
    '---',
    `staging_status: ${verdict.verdict}`,
    `revision: ${input.revision}`,
    `image: ${input.imageRef}`,
    `waived: [${verdict.waived.join(', ')}]`,
    '---',
    '',
    `# Staging report — ${input.taskId}`,
    '',
    `Image id: ${input.imageId ?? '(not built)'}${input.strict ? ' · strict: SANDBOX_INFRA failures are not waived' : ''}`,
    '',
  ];
  if (input.problem !== null) lines.push(`ERROR ${input.problem.step}: ${oneLine(input.problem.reason)}`);
  const byId = new Map(input.checks.map((c) => [c.id, c]));
  for (const planned of input.planned) lines.push(checkLine(byId.get(planned.id), planned, verdict.waived, input.strict));
  if (input.planned.length === 0 && input.problem === null) lines.push('(no checks configured; health passed)');

  const failedOutputs = input.checks.filter((c) => !c.passed);
  if (input.problem !== null && input.problem.log.trim() !== '') {
    lines.push('', `## ${input.problem.step === 'build' ? 'Build log (tail)' : `Output (${input.problem.step})`}`, '', ...fenced(input.problem.log));
  }
  if (failedOutputs.length > 0) {
    lines.push('', '## Failing output');
    for (const c of failedOutputs) lines.push('', `### ${c.id} ${oneLine(c.name)}${verdict.waived.includes(c.id) ? ' (waived)' : ''}`, '', ...fenced(c.output));
  }
  if (verdict.reason !== null) lines.push('', `Reason: ${oneLine(verdict.reason)}`);
  lines.push('', `VERDICT: ${verdict.verdict}`);
  return `${lines.join('\n')}\n`;
}

/** A fenced block that no backtick run inside `text` can close. */
export function fenced(text: string): string[] {
  const body = cutToLength(text.replace(/\s+$/, ''), REPORT_OUTPUT_LIMIT, 'end') || '(no output)';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, body, fence];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
