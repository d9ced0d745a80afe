import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT } from '../../../core/artifacts/truncate.ts';
import type { CiState } from '../../../core/domain/events.ts';
import { ciGate } from '../../../core/gates/ci-gate.ts';

describe('ciGate', () => {
  it('is green on success', () => {
    expect(ciGate('success', '')).toEqual({ type: 'green' });
  });

  it('is red on failure with the detail as must-fix', () => {
    expect(ciGate('failure', 'lint: 3 errors')).toEqual({
      type: 'red',
      reason: 'CI failed',
      mustFix: 'lint: 3 errors',
    });
  });

  it('truncates a long detail with a pointer', () => {
    const result = ciGate('failure', 'x\n'.repeat(10_000), 'https://ci.example/run/7');
    expect(result.type).toBe('red');
    const mustFix = result.type === 'red' ? (result.mustFix ?? '') : '';
    expect(mustFix.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
    expect(mustFix.endsWith('(truncated, full text: https://ci.example/run/7)')).toBe(true);
  });

  it.each(['', '  \n', '\u0000\u0000binary'])('omits an empty or unreadable detail: %j', (detail) => {
    expect(ciGate('failure', detail)).toEqual({ type: 'red', reason: 'CI failed' });
  });

  it('waits while pending or without a status', () => {
    expect(ciGate('pending', '')).toEqual({ type: 'wait', reason: 'CI is still running' });
    expect(ciGate(null, '')).toEqual({ type: 'wait', reason: 'no CI status yet' });
  });

  it('waits, never green, on a state it does not know', () => {
    expect(ciGate('SUCCESS' as unknown as CiState, '').type).toBe('wait');
  });
});
