// Gates fail closed: whatever the artefact holds, a gate answers with a well-formed result, and
// it is green only when an independently known positive verdict (and no blocker) is there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT } from '../../../core/artifacts/truncate.ts';
import { brdGate } from '../../../core/gates/brd-gate.ts';
import { ciGate } from '../../../core/gates/ci-gate.ts';
import { combineCiStates } from '../../../core/gates/ci-combine.ts';
import type { GateResult } from '../../../core/gates/gate-result.ts';
import { reviewGate } from '../../../core/gates/review-gate.ts';
import { testsGate } from '../../../core/gates/tests-gate.ts';

const MB = 1024 * 1024;
const REVIEW = 'docs/work-items/SHOP-1/12-review.md';
const REPORT = 'docs/work-items/SHOP-1/13-test-report.md';
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

const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 200,
});
const decodedBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder().decode(bytes));
const line = fc.oneof(
  fc.constantFrom(
    '---',
    '...',
    '',
    'verdict: PASS',
    'result: FAIL',
    'status: ok',
    '## Findings',
    '- P0: crash',
    '- P2: nit',
    '  more',
    '```',
    'Error: x',
  ),
  fc.string({ maxLength: 30 }),
);
const markdownish = fc.array(line, { maxLength: 25 }).map((lines) => lines.join('\n'));
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  codeUnits,
  decodedBytes,
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\u0000${b}`),
  markdownish,
);
const huge = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.repeat(Math.ceil(MB / s.length))),
  fc.constantFrom(
    `---\nresult: FAIL\n---\n${'FAIL x\n'.repeat(MB / 7)}`,
    `---\nverdict: PASS\n---\n## Findings\n${'- P1: y\n'.repeat(MB / 8)}`,
    `---\n${'a'.repeat(MB)}`,
  ),
);

function wellFormed(result: GateResult): void {
  switch (result.type) {
    case 'green':
      expect(result).toEqual({ type: 'green' });
      break;
    case 'red':
      expect(result.reason.length).toBeGreaterThan(0);
      if (result.mustFix !== undefined) {
        expect(result.mustFix.length).toBeGreaterThan(0);
        expect(result.mustFix.length).toBeLessThanOrEqual(MUST_FIX_LIMIT);
      }
      break;
    case 'wait':
      expect(result.reason.length).toBeGreaterThan(0);
      break;
    default:
      throw new Error(`malformed gate result ${JSON.stringify(result)}`);
  }
}

function allGates(text: string): GateResult[] {
  return [
    brdGate(text),
    reviewGate(text, REVIEW),
    testsGate(text, REPORT),
    ciGate('failure', text),
    ciGate('success', text),
  ];
}

/** Casing and quoting an agent might use for a token. */
const spelled = (tokens: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...tokens), fc.constantFrom('upper', 'lower', 'double', 'single', 'spaced'))
    .map(([token, style]) => {
      switch (style) {
        case 'upper':
          return token;
        case 'lower':
          return token.toLowerCase();
        case 'double':
          return `"${token}"`;
        case 'single':
          return `'${token.toLowerCase()}'`;
        default:
          return token.replaceAll('_', ' ');
      }
    });

type Kind = 'positive' | 'negative' | 'noise';
const fieldValue: fc.Arbitrary<{ kind: Kind; value: string }> = fc.oneof(
  spelled(POSITIVE).map((value) => ({ kind: 'positive' as const, value })),
  spelled(NEGATIVE).map((value) => ({ kind: 'negative' as const, value })),
  fc
    .tuple(spelled(NEGATIVE), fc.constantFrom(' - see below', ' (3 tests)', ''))
    .map(([v, tail]) => ({ kind: 'negative' as const, value: `${v.replaceAll(/["']/g, '')}${tail}` })),
  fc
    .constantFrom('maybe', 'done', 'PASSING', 'LGTM', 'n/a', '', 'approved-ish', '[PASS]')
    .map((value) => ({ kind: 'noise' as const, value })),
);
const artefact = fc
  .record({
    fields: fc.uniqueArray(
      fc.tuple(fc.constantFrom('result', 'verdict', 'status', 'Result', 'VERDICT'), fieldValue),
      {
        selector: ([name]) => name.toLowerCase(),
        maxLength: 3,
      },
    ),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    body: fc.string({ maxLength: 100 }).map((s) => s.replaceAll('#', '')),
  })
  .map(({ fields, crlf, bom, body }) => {
    const nl = crlf ? '\r\n' : '\n';
    const lines = [
      '---',
      'title: Report',
      ...fields.map(([name, { value }]) => `${name}: ${value}`),
      '---',
      body,
    ];
    const kinds = fields.map(([, { kind }]) => kind);
    return {
      text: (bom ? '\uFEFF' : '') + lines.join(nl),
      expectGreen: kinds.includes('positive') && !kinds.includes('negative'),
    };
  });

describe('gates are total and fail closed', () => {
  it('return well-formed results for arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => allGates(text).forEach(wellFormed)),
      { numRuns: 300 },
    );
  });

  it('return well-formed results for huge inputs', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(huge, (text) => allGates(text).forEach(wellFormed)),
      { numRuns: 4 },
    );
  });

  it('are green exactly when the generated verdict fields are positive without a negative', () => {
    fc.assert(
      fc.property(artefact, ({ text, expectGreen }) => {
        expect(testsGate(text, REPORT).type === 'green').toBe(expectGreen);
        expect(reviewGate(text, REVIEW).type === 'green').toBe(expectGreen);
      }),
      { numRuns: 300 },
    );
  });

  it('are never green for text without a positive token', () => {
    const noPositive = anyText.filter((text) => !/pass|success|ok|approve|green/i.test(text));
    fc.assert(
      fc.property(noPositive, (text) => {
        expect(testsGate(text, REPORT).type).toBe('red');
        expect(reviewGate(text, REVIEW).type).toBe('red');
      }),
      { numRuns: 300 },
    );
  });

  it('review is red whenever a P0 or P1 finding is listed, whatever the verdict', () => {
    const finding = fc.tuple(
      fc.constantFrom('P0', 'P1', 'P2'),
      fc.constantFrom('- %: x', '- [%] x', '- **%**: x', '- (%) x', '1. % - x'),
    );
    fc.assert(
      fc.property(spelled(POSITIVE), fc.array(finding, { maxLength: 6 }), (verdict, items) => {
        const text = [
          '---',
          `verdict: ${verdict}`,
          '---',
          '## Findings',
          ...items.map(([sev, fmt]) => fmt.replace('%', sev)),
        ].join('\n');
        const blocking = items.filter(([sev]) => sev !== 'P2').length;
        const result = reviewGate(text, REVIEW);
        expect(result.type).toBe(blocking > 0 ? 'red' : 'green');
        if (result.type === 'red') expect(result.mustFix?.split('\n')).toHaveLength(blocking);
      }),
      { numRuns: 200 },
    );
  });

  it('corrupting a green artefact with binary garbage makes every artefact gate red "unreadable"', () => {
    const green = '---\nresult: PASS\nverdict: APPROVED\n---\nAll good.\n';
    const garbage = fc.oneof(
      fc
        .uint8Array({ minLength: 16, maxLength: 200 })
        .map((bytes) => new TextDecoder().decode(bytes.map((b) => 0x80 | (b & 0x3f)))),
      fc.string({ maxLength: 50 }).map((s) => `${s}\u0000`),
    );
    fc.assert(
      fc.property(garbage, fc.nat(), (junk, at) => {
        const position = at % (green.length + 1);
        const text = green.slice(0, position) + junk + green.slice(position);
        for (const result of [brdGate(text), testsGate(text, REPORT), reviewGate(text, REVIEW)]) {
          expect(result.type).toBe('red');
          expect(result.type === 'red' ? result.reason : '').toMatch(/is unreadable: .+/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('truncating a green artefact inside its frontmatter makes every artefact gate red', () => {
    const green = '---\nresult: PASS\nverdict: APPROVED\n---\nThe BRD body.\n';
    const closingEnd = green.indexOf('\n---\n') + 4;
    expect(testsGate(green, REPORT).type).toBe('green');
    for (let cut = 3; cut < closingEnd; cut += 1) {
      const text = green.slice(0, cut);
      for (const result of [brdGate(text), testsGate(text, REPORT), reviewGate(text, REVIEW)]) {
        expect(result.type, JSON.stringify(text)).toBe('red');
        expect(result.type === 'red' ? result.reason.length : 0).toBeGreaterThan(0);
      }
    }
  });

  it('ci gate: green only on success, red only on failure, otherwise wait', () => {
    fc.assert(
      fc.property(fc.constantFrom('success', 'failure', 'pending', null), anyText, (state, detail) => {
        const result = ciGate(state, detail);
        wellFormed(result);
        expect(result.type).toBe(state === 'success' ? 'green' : state === 'failure' ? 'red' : 'wait');
      }),
      { numRuns: 200 },
    );
  });

  it('ci combine agrees with the Gitea rule for arbitrary states', () => {
    const state = fc.oneof(
      fc.constantFrom('success', 'failure', 'error', 'pending', 'warning', 'skipped', 'SUCCESS', 'Error'),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ context: fc.string(), state }), { maxLength: 6 }), (statuses) => {
        const states = statuses.map((s) => s.state.trim().toLowerCase());
        const expected = states.some((s) => s === 'failure' || s === 'error')
          ? 'failure'
          : states.length > 0 && states.every((s) => ['success', 'warning', 'skipped'].includes(s))
            ? 'success'
            : 'pending';
        expect(combineCiStates(statuses)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
