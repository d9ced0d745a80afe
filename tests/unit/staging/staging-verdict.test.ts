import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../core/staging/staging-types.ts';
import { effectiveStrict, stagingVerdict } from '../../../core/staging/staging-verdict.ts';

const check = (id: string, cls: string | undefined, passed: boolean): CheckOutcome =>
  ({ id, name: id, class: cls, passed, output: passed ? 'ok' : 'boom' }) as unknown as CheckOutcome;

const sets = {
  none: [],
  allPass: [check('C1', 'real', true), check('C9a', 'sandbox_infra', true)],
  realFail: [check('C1', 'real', false), check('C9a', 'sandbox_infra', true)],
  infraFail: [check('C1', 'real', true), check('C9a', 'sandbox_infra', false)],
  bothFail: [check('C1', 'real', false), check('C9a', 'sandbox_infra', false)],
  twoInfraFail: [check('C9a', 'sandbox_infra', false), check('C9b', 'SANDBOX_INFRA', false)],
  noClassFail: [check('C3', undefined, false)],
  unknownClassFail: [check('C4', 'flaky', false)],
} as const;

type Row = [keyof typeof sets, boolean, boolean, string | null, 'SUCCESS' | 'FAILED', string[], string[]];

// [checks, project strict, tolerance enabled, internal error, verdict, waived, failing]
const table: Row[] = [];
for (const [projectStrict, tolerance] of [[false, true], [true, true], [false, false], [true, false]] as const) {
  const strict = projectStrict || !tolerance;
  table.push(
    ['none', projectStrict, tolerance, null, 'SUCCESS', [], []],
    ['allPass', projectStrict, tolerance, null, 'SUCCESS', [], []],
    ['realFail', projectStrict, tolerance, null, 'FAILED', [], ['C1']],
    ['infraFail', projectStrict, tolerance, null, strict ? 'FAILED' : 'SUCCESS', strict ? [] : ['C9a'], strict ? ['C9a'] : []],
    ['bothFail', projectStrict, tolerance, null, 'FAILED', [], ['C1']],
    ['twoInfraFail', projectStrict, tolerance, null, strict ? 'FAILED' : 'SUCCESS', strict ? [] : ['C9a', 'C9b'], strict ? ['C9a', 'C9b'] : []],
    ['noClassFail', projectStrict, tolerance, null, 'FAILED', [], ['C3']],
    ['unknownClassFail', projectStrict, tolerance, null, 'FAILED', [], ['C4']],
  );
  for (const name of Object.keys(sets) as (keyof typeof sets)[]) {
    table.push([name, projectStrict, tolerance, 'health check did not pass within 60 s', 'FAILED', [], []]);
  }
}

describe('staging verdict', () => {
  it.each(table)('%s strict=%s tolerance=%s internal=%s → %s', (set, projectStrict, tolerance, internalError, verdict, waived, failing) => {
    const result = stagingVerdict({ internalError, checks: sets[set], strict: effectiveStrict(projectStrict, tolerance) });
    expect(result.verdict).toBe(verdict);
    expect(result.waived).toEqual(waived);
    expect(result.failing).toEqual(failing);
    if (verdict === 'SUCCESS') expect(result.reason).toBeNull();
    else expect(result.reason).toMatch(internalError ?? /check/);
  });

  it('names the failing REAL checks and the strict infra ones in the reason', () => {
    expect(stagingVerdict({ internalError: null, checks: sets.bothFail, strict: false }).reason).toBe('REAL check failed: C1');
    expect(stagingVerdict({ internalError: null, checks: sets.twoInfraFail, strict: true }).reason).toBe(
      'SANDBOX_INFRA checks failed under strict staging: C9a, C9b',
    );
  });

  it('never throws and never turns garbage into a green', () => {
    const garbage = [
      { internalError: null, checks: null, strict: false },
      { internalError: null, checks: [null], strict: false },
      { internalError: '', checks: [], strict: false },
      { internalError: null, checks: [check('C9a', 'sandbox_infra', false)], strict: undefined },
    ];
    for (const input of garbage) {
      const result = stagingVerdict(input as never);
      expect(result.verdict).toBe('FAILED');
      expect(result.reason).toBeTruthy();
    }
  });
});
