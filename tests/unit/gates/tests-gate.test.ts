import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT } from '../../../core/artifacts/truncate.ts';
import type { GateResult } from '../../../core/gates/gate-result.ts';
import { testsGate } from '../../../core/gates/tests-gate.ts';

const PATH = 'docs/work-items/SHOP-42/13-test-report.md';
const report = (result: string, ...body: string[]): string =>
  ['---', `result: ${result}`, '---', ...body].join('\n');

function redOf(result: GateResult): { reason: string; mustFix?: string } {
  if (result.type !== 'red') throw new Error(`expected red, got ${JSON.stringify(result)}`);
  return result;
}

describe('testsGate', () => {
  it.each(['PASS', 'passed', '"SUCCESS"', 'Green'])('is green for result %s', (result) => {
    expect(testsGate(report(result, 'All 12 tests passed.'), PATH)).toEqual({ type: 'green' });
  });

  it('is green on a positive status field too', () => {
    expect(testsGate('---\nstatus: ok\n---\n', PATH)).toEqual({ type: 'green' });
  });

  it('is red for a negative result with the failure output as must-fix', () => {
    const red = redOf(
      testsGate(
        report(
          'FAIL',
          '# Report',
          'Ran 3 suites.',
          '```',
          '✗ cart total',
          '  expected 30, got 20',
          '```',
          'Done.',
        ),
        PATH,
      ),
    );
    expect(red.reason).toBe(`test report ${PATH} says FAIL (result)`);
    expect(red.mustFix).toBe(`✗ cart total\n  expected 30, got 20\n… (excerpt, full text: ${PATH})`);
  });

  it('a negative word anywhere wins over a positive field', () => {
    const red = redOf(testsGate('---\nresult: PASS\nstatus: 1 failed\n---\nFAILED: x', PATH));
    expect(red.reason).toBe(`test report ${PATH} says FAILED (status)`);
  });

  it('shows the whole body without a pointer when it is short and has no failing lines', () => {
    expect(redOf(testsGate(report('RED', 'short body'), PATH)).mustFix).toBe('short body');
  });

  it('omits must-fix when the body is empty', () => {
    expect(testsGate(report('FAIL'), PATH)).toEqual({
      type: 'red',
      reason: `test report ${PATH} says FAIL (result)`,
    });
  });

  it('bounds a huge failure output by the must-fix limit and points at the report', () => {
    const log = Array.from({ length: 5000 }, (_, i) => `FAIL test ${i}`).join('\n');
    const red = redOf(testsGate(report('FAIL', log), PATH));
    expect(red.mustFix!.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
    expect(red.mustFix!.startsWith('FAIL test 0\n')).toBe(true);
    expect(red.mustFix!.endsWith(`… (excerpt, full text: ${PATH})`)).toBe(true);
  });

  it.each([
    ['missing', null, `test report ${PATH} is missing`],
    ['without frontmatter', 'result: PASS', `test report ${PATH} has no result: no frontmatter`],
    [
      'without a result field',
      '---\ntitle: x\n---\n',
      `test report ${PATH} has no result: frontmatter has no result, verdict or status field`,
    ],
  ])('is red when %s', (_name, text, reason) => {
    expect(redOf(testsGate(text, PATH)).reason).toBe(reason);
  });

  it('is red with an excerpt when the result is not a verdict', () => {
    const red = redOf(testsGate(report('done', 'Error: flaky network'), PATH));
    expect(red.reason).toBe(`test report ${PATH} has no result: no recognised verdict in result "done"`);
    expect(red.mustFix).toBe('Error: flaky network');
  });

  it.each([
    ['binary garbage', '\u0000\u0000\u0000ELF\u0002\u0001'],
    ['undecodable bytes', '\uFFFD\uFFFD\uFFFD\uFFFDresult'],
  ])('is red "unreadable" for %s', (_name, text) => {
    expect(redOf(testsGate(text, PATH)).reason).toMatch(new RegExp(`^test report ${PATH} is unreadable: .+`));
  });

  it('is red for truncated frontmatter even when it says PASS', () => {
    expect(redOf(testsGate('---\nresult: PASS\n', PATH)).reason).toBe(
      `test report ${PATH} has no result: frontmatter is not closed`,
    );
  });
});
