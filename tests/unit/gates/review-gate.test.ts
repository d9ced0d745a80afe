import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT } from '../../../core/artifacts/truncate.ts';
import type { GateResult } from '../../../core/gates/gate-result.ts';
import { reviewGate } from '../../../core/gates/review-gate.ts';

const PATH = 'docs/work-items/SHOP-42/12-review.md';
const review = (verdict: string, ...body: string[]): string =>
  [`---`, `verdict: ${verdict}`, `---`, '# Review', ...body].join('\n');

function redOf(result: GateResult): { reason: string; mustFix?: string } {
  if (result.type !== 'red') throw new Error(`expected red, got ${JSON.stringify(result)}`);
  return result;
}

describe('reviewGate', () => {
  it('is green for a positive verdict without findings', () => {
    expect(reviewGate(review('APPROVED', 'Looks good.'), PATH)).toEqual({ type: 'green' });
  });

  it('is green for a positive verdict with only P2 findings', () => {
    expect(reviewGate(review('pass', '## Findings', '- P2: rename x', '- untagged'), PATH)).toEqual({
      type: 'green',
    });
  });

  it('is red for a positive verdict with P0/P1 findings, listing them verbatim', () => {
    const text = review(
      'APPROVED',
      '## Findings',
      '- [P1] missing test',
      '  for the empty cart',
      '- P2: nit',
      '- **P0**: crash',
      '## Notes',
      '- P0: not a finding',
    );
    const red = redOf(reviewGate(text, PATH));
    expect(red.reason).toBe(`review ${PATH} is APPROVED but has 2 P0/P1 finding(s)`);
    expect(red.mustFix).toBe('- P1: missing test\n  for the empty cart\n- P0: crash');
  });

  it('is red for a negative verdict with the blocking findings as must-fix', () => {
    const red = redOf(reviewGate(review('REQUEST_CHANGES', '## Findings', '- P1: wrong total'), PATH));
    expect(red.reason).toBe(`review ${PATH} says REQUEST_CHANGES (verdict)`);
    expect(red.mustFix).toBe('- P1: wrong total');
  });

  it('a negative verdict without blocking findings gives an excerpt of the review', () => {
    const red = redOf(
      reviewGate(
        review(
          'changes requested',
          'The build is broken:',
          '```',
          'Error: cannot find module x',
          '```',
          '## Findings',
          '- P2: nit',
        ),
        PATH,
      ),
    );
    expect(red.reason).toContain('CHANGES_REQUESTED');
    expect(red.mustFix).toBe(`Error: cannot find module x\n… (excerpt, full text: ${PATH})`);
  });

  it.each([
    ['missing', null, `review ${PATH} is missing`],
    ['without frontmatter', '# Review\nverdict: APPROVED', `review ${PATH} has no verdict: no frontmatter`],
    [
      'with an unknown verdict',
      review('LGTM'),
      `review ${PATH} has no verdict: no recognised verdict in verdict "LGTM"`,
    ],
    [
      'with truncated frontmatter',
      '---\nverdict: APPROVED\n# Review',
      `review ${PATH} has no verdict: frontmatter is not closed`,
    ],
  ])('is red when %s', (_name, text, reason) => {
    expect(reviewGate(text, PATH)).toEqual({ type: 'red', reason });
  });

  it('is red with the blocking findings when there is no verdict', () => {
    const red = redOf(reviewGate(review('maybe', '## Findings', '- P0: x'), PATH));
    expect(red.reason).toContain('has no verdict');
    expect(red.mustFix).toBe('- P0: x');
  });

  it.each([
    ['binary garbage', '\u0000\u0001PNG\uFFFD\uFFFD'],
    ['a positive verdict followed by NUL bytes', `${review('APPROVED')}\u0000\u0000`],
  ])('is red "unreadable" for %s', (_name, text) => {
    expect(redOf(reviewGate(text, PATH)).reason).toMatch(new RegExp(`^review ${PATH} is unreadable: .+`));
  });

  it('truncates long findings to the limit with a pointer to the review', () => {
    const findings = Array.from({ length: 300 }, (_, i) => `- P1: finding ${i} ${'detail '.repeat(5)}`);
    const red = redOf(reviewGate(review('APPROVED', '## Findings', ...findings), PATH));
    expect(red.mustFix!.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
    expect(red.mustFix!.startsWith('- P1: finding 0 ')).toBe(true);
    expect(red.mustFix!.endsWith(`\n… (truncated, full text: ${PATH})`)).toBe(true);
  });
});
