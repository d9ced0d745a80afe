import { describe, expect, it } from 'vitest';
import {
  NEGATIVE_TOKENS,
  POSITIVE_TOKENS,
  VERDICT_FIELDS,
  readVerdict,
} from '../../../core/artifacts/verdict.ts';

const doc = (...lines: string[]): string => `---\n${lines.join('\n')}\n---\n# Body\n`;

const POSITIVE = ['PASS', 'PASSED', 'SUCCESS', 'OK', 'APPROVE', 'APPROVED', 'GREEN'];
const NEGATIVE = [
  'FAIL',
  'FAILED',
  'FAILURE',
  'ERROR',
  'REJECT',
  'REJECTED',
  'REQUEST_CHANGES',
  'CHANGES_REQUESTED',
  'RED',
  'BLOCKED',
];

describe('readVerdict', () => {
  it('exports exactly the tokens of design §3', () => {
    expect([...POSITIVE_TOKENS]).toEqual(POSITIVE);
    expect([...NEGATIVE_TOKENS]).toEqual(NEGATIVE);
    expect([...VERDICT_FIELDS]).toEqual(['result', 'verdict', 'status']);
  });

  for (const field of VERDICT_FIELDS) {
    it.each(POSITIVE)(`${field}: %s is positive in any case and quoting`, (token) => {
      for (const value of [
        token,
        token.toLowerCase(),
        `"${token}"`,
        `'${capitalise(token)}'`,
        `  ${token}  `,
      ]) {
        expect(readVerdict(doc(`${field}: ${value}`))).toEqual({ type: 'positive', token });
      }
    });

    it.each(NEGATIVE)(`${field}: %s is negative in any case`, (token) => {
      for (const value of [token, token.toLowerCase(), `"${token}"`]) {
        expect(readVerdict(doc(`${field}: ${value}`))).toEqual({ type: 'negative', token, field });
      }
    });
  }

  it.each([
    ['changes requested', 'CHANGES_REQUESTED'],
    ['Changes-Requested', 'CHANGES_REQUESTED'],
    ['request changes', 'REQUEST_CHANGES'],
    ['request-changes', 'REQUEST_CHANGES'],
    ['REQUEST CHANGES', 'REQUEST_CHANGES'],
  ])('accepts %s for %s', (value, token) => {
    expect(readVerdict(doc(`verdict: ${value}`))).toEqual({ type: 'negative', token, field: 'verdict' });
  });

  it.each([
    ['result', 'verdict'],
    ['verdict', 'status'],
    ['status', 'result'],
  ])('a negative %s wins over a positive %s', (negativeField, positiveField) => {
    const both = [`${positiveField}: PASS`, `${negativeField}: FAIL`];
    expect(readVerdict(doc(...both))).toMatchObject({ type: 'negative', field: negativeField });
    expect(readVerdict(doc(...both.reverse()))).toMatchObject({ type: 'negative', field: negativeField });
  });

  it.each([
    ['FAIL - see below', 'FAIL'],
    ['PASS (2 failed)', 'FAILED'],
    ['approved, but blocked by #12', 'BLOCKED'],
    ['❌ error', 'ERROR'],
    ['ok/red', 'RED'],
  ])('a value containing a negative word is negative: %s', (value, token) => {
    expect(readVerdict(doc(`verdict: ${value}`))).toEqual({ type: 'negative', token, field: 'verdict' });
  });

  it.each([
    'PASSING',
    'UNBLOCKED',
    'FAILS',
    'PASS with notes',
    'mostly ok',
    'not ok',
    'APPROVED!',
    'LGTM',
    'redo',
    '',
    '[PASS]',
    'PASS PASS',
  ])('%j is no verdict', (value) => {
    const verdict = readVerdict(doc(`verdict: ${value}`));
    expect(verdict.type).toBe('none');
    expect(verdict.type === 'none' ? verdict.reason : '').toContain('verdict');
  });

  it('conflicting positive fields without a negative stay positive', () => {
    expect(readVerdict(doc('result: PASS', 'verdict: APPROVED'))).toEqual({
      type: 'positive',
      token: 'PASS',
    });
  });

  it('a positive field wins over an unrecognised one', () => {
    expect(readVerdict(doc('status: draft', 'verdict: APPROVED'))).toEqual({
      type: 'positive',
      token: 'APPROVED',
    });
  });

  it('reads CRLF and BOM frontmatter', () => {
    expect(readVerdict('\uFEFF---\r\nResult: Passed\r\n---\r\n')).toEqual({
      type: 'positive',
      token: 'PASSED',
    });
  });

  it.each([
    ['no frontmatter', '# Review\nverdict: PASS\n', 'no frontmatter'],
    ['no verdict fields', doc('title: x', 'outcome: PASS'), 'no result, verdict or status'],
    ['verdict only in a nested map', doc('meta:', '  verdict: PASS'), 'no result, verdict or status'],
    ['unclosed frontmatter', '---\nverdict: PASS\n', 'not closed'],
    ['duplicate field', doc('verdict: PASS', 'verdict: PASS'), 'twice'],
  ])('none: %s', (_name, text, reason) => {
    const verdict = readVerdict(text);
    expect(verdict.type).toBe('none');
    expect(verdict.type === 'none' ? verdict.reason : '').toContain(reason);
  });

  it('bounds the value it quotes in the reason', () => {
    const verdict = readVerdict(doc(`verdict: ${'x'.repeat(10_000)}`));
    expect(verdict.type === 'none' ? verdict.reason.length : Infinity).toBeLessThan(200);
  });
});

function capitalise(token: string): string {
  return token.charAt(0) + token.slice(1).toLowerCase();
}
