import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT } from '../../../core/artifacts/truncate.ts';
import { parseFrontmatter } from '../../../core/artifacts/frontmatter.ts';
import { stagingMustFix } from '../../../core/staging/staging-must-fix.ts';
import { renderStagingReport, stagingReportPath, type StagingReportInput } from '../../../core/staging/staging-report.ts';
import type { CheckOutcome, StagingCheckConfig } from '../../../core/staging/staging-types.ts';
import { stagingVerdict } from '../../../core/staging/staging-verdict.ts';

const sha = '3f2a1c9d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';
const planned: StagingCheckConfig[] = [
  { id: 'C1', name: 'API answers', command: 'wget …', class: 'real' },
  { id: 'C9a', name: 'sandbox tracker member', command: 'false', class: 'sandbox_infra' },
];
const outcome = (c: StagingCheckConfig, passed: boolean, output = ''): CheckOutcome => ({ id: c.id, name: c.name, class: c.class, passed, output });

function input(checks: CheckOutcome[], strict = false, problem: StagingReportInput['problem'] = null): StagingReportInput {
  const verdict = stagingVerdict({ internalError: problem?.reason ?? null, checks, strict });
  return { taskId: 'SHOP-42', revision: sha, imageRef: `conveyor/shop:${sha}`, imageId: 'sha256:abc', planned, checks, verdict, strict, problem };
}

describe('staging report', () => {
  it('renders §10: frontmatter, one line per check, failing output, verdict last', () => {
    const report = renderStagingReport(input([outcome(planned[0]!, true), outcome(planned[1]!, false, 'tracker 503\n')]));
    const parsed = parseFrontmatter(report);
    expect(parsed.type === 'ok' && parsed.fields).toMatchObject({ staging_status: 'SUCCESS', revision: sha, image: `conveyor/shop:${sha}` });
    expect(report).toContain('\nwaived: [C9a]\n');
    expect(report).toContain('\nPASS C1 API answers\n');
    expect(report).toContain('\nFAIL C9a sandbox tracker member (SANDBOX_INFRA, waived)\n');
    expect(report).toContain('### C9a sandbox tracker member (waived)\n\n```\ntracker 503\n```');
    expect(report.trimEnd().split('\n').at(-1)).toBe('VERDICT: SUCCESS');
  });

  it('marks a REAL failure and a strict infra failure FAILED', () => {
    const real = renderStagingReport(input([outcome(planned[0]!, false, 'connection refused'), outcome(planned[1]!, true)]));
    expect(real).toContain('staging_status: FAILED');
    expect(real).toContain('FAIL C1 API answers (REAL)');
    expect(real).toContain('waived: []');
    expect(real.trimEnd().endsWith('VERDICT: FAILED')).toBe(true);
    const strict = renderStagingReport(input([outcome(planned[0]!, true), outcome(planned[1]!, false, 'x')], true));
    expect(strict).toContain('FAIL C9a sandbox tracker member (SANDBOX_INFRA, strict)');
    expect(strict.trimEnd().endsWith('VERDICT: FAILED')).toBe(true);
  });

  it('shows an internal error with its log and the checks not run', () => {
    const report = renderStagingReport(input([], false, { step: 'build', reason: 'RUN false returned 1', log: 'Step 2/3 : RUN false\nreturned a non-zero code: 1' }));
    expect(report).toContain('ERROR build: RUN false returned 1');
    expect(report).toContain('SKIP C1 API answers (not run)');
    expect(report).toContain('## Build log (tail)');
    expect(report).toContain('returned a non-zero code: 1');
    expect(report.trimEnd().endsWith('VERDICT: FAILED')).toBe(true);
  });

  it('fences output that itself contains a fence', () => {
    const report = renderStagingReport(input([outcome(planned[0]!, false, 'a\n```\nb'), outcome(planned[1]!, true)]));
    expect(report).toContain('````\na\n```\nb\n````');
  });
});

describe('staging must-fix text', () => {
  const pointer = stagingReportPath('SHOP-42');

  it('is null on SUCCESS and the failing REAL output verbatim on FAILED', () => {
    const green = input([outcome(planned[0]!, true), outcome(planned[1]!, false, 'x')]);
    expect(stagingMustFix(green.verdict, green.checks, null, pointer)).toBeNull();
    const red = input([outcome(planned[0]!, false, 'wget: can\'t connect: Connection refused\n'), outcome(planned[1]!, false, 'infra')]);
    expect(stagingMustFix(red.verdict, red.checks, null, pointer)).toBe(
      'Staging check C1 "API answers" (REAL) failed:\nwget: can\'t connect: Connection refused',
    );
  });

  it('truncates long output with a pointer to the report', () => {
    const red = input([outcome(planned[0]!, false, 'line\n'.repeat(5000)), outcome(planned[1]!, true)]);
    const text = stagingMustFix(red.verdict, red.checks, null, pointer)!;
    expect(text.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
    expect(text).toMatch(/… \(truncated, full text: docs\/work-items\/SHOP-42\/14-staging-report\.md\)$/);
  });

  it('keeps the END of a long build log, after the reason', () => {
    const log = `${'noise\n'.repeat(3000)}ERROR: the real cause`;
    const problem = { step: 'build' as const, reason: 'RUN make returned 2', log };
    const red = input([], false, problem);
    const text = stagingMustFix(red.verdict, [], problem, pointer)!;
    expect(text.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
    expect(text.startsWith('Staging build failed: RUN make returned 2\n')).toBe(true);
    expect(text).toContain('ERROR: the real cause\n… (truncated, full text: docs/work-items/SHOP-42/14-staging-report.md)');
  });

  it('gives the health timeout reason', () => {
    const problem = { step: 'health' as const, reason: 'health command did not exit 0 within 5 s', log: 'wget: connection refused' };
    const red = input([], false, problem);
    expect(stagingMustFix(red.verdict, [], problem, pointer)).toBe('Staging health failed: health command did not exit 0 within 5 s\nwget: connection refused');
  });
});
