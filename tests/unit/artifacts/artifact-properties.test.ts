// Every parser is total: whatever the agent wrote (or the disk returned), it returns a value of
// the documented shape, and the bounded helpers keep their bounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureExcerpt } from '../../../core/artifacts/failure-excerpt.ts';
import { parseFrontmatter } from '../../../core/artifacts/frontmatter.ts';
import { parseFindings } from '../../../core/artifacts/review-findings.ts';
import { MUST_FIX_LIMIT, cutToLength, truncateWithPointer } from '../../../core/artifacts/truncate.ts';
import { unreadableReason } from '../../../core/artifacts/unreadable.ts';
import {
  NEGATIVE_TOKENS,
  POSITIVE_TOKENS,
  VERDICT_FIELDS,
  readVerdict,
} from '../../../core/artifacts/verdict.ts';

const MB = 1024 * 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 200,
});
const decodedBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder().decode(bytes));
const withNul = fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\u0000${b}`);
const markdownLine = fc.oneof(
  fc.constantFrom(
    '---',
    '...',
    '',
    '\r',
    '\uFEFF---',
    'verdict: PASS',
    'result: FAIL',
    'status: "ok"',
    "verdict: 'x",
    '## Findings',
    '### findings',
    '# Title',
    '- P0: crash',
    '- [P1] x',
    '  continued',
    '* **P2**: y',
    '```',
    '~~~',
    '1. (P0) z',
    'FAIL a',
    'Error: b',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const markdownish = fc
  .tuple(fc.array(markdownLine, { maxLength: 30 }), fc.boolean())
  .map(([lines, crlf]) => lines.join(crlf ? '\r\n' : '\n'));

/** Arbitrary input of every kind an artefact can arrive as. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'grapheme-composite' }),
  fc.string({ unit: 'binary' }),
  codeUnits,
  decodedBytes,
  withNul,
  markdownish,
);

const pathological: readonly string[] = [
  ' '.repeat(MB),
  `## ${' '.repeat(MB)}x`,
  `## Findings\n- ** ${' \t'.repeat(MB / 2)}x`,
  `## Findings\n- ${'['.repeat(MB)}`,
  `# a${' '.repeat(MB)}#x`,
  '#'.repeat(MB),
  `---\nverdict: ${'FAIL '.repeat(MB / 5)}\n---\n`,
  `---\nverdict: "${'\\"'.repeat(MB / 2)}"\n---\n`,
  `---\n${Array.from({ length: MB / 12 }, (_, i) => `k${i}: value`).join('\n')}`,
  `---\nkey${' '.repeat(MB)}x\n---\n`,
  `## Findings\n${'- P0: x\n  y\n'.repeat(MB / 13)}`,
  '```\n'.repeat(MB / 4),
  '\n'.repeat(MB),
  'x'.repeat(MB),
  '😀'.repeat(MB / 2),
  '\uFFFD'.repeat(MB),
  `${'error '.repeat(MB / 6)}`,
  `${'line\n'.repeat(MB / 5)}`,
];
const huge = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.repeat(Math.ceil(MB / s.length))),
  fc.constantFrom(...pathological),
);

function checkFrontmatter(text: string): void {
  const result = parseFrontmatter(text);
  expect(['ok', 'none', 'invalid']).toContain(result.type);
  expect(typeof result.body).toBe('string');
  expect(text.endsWith(result.body)).toBe(true);
  if (result.type === 'ok') {
    const malformed = Object.entries(result.fields).filter(
      ([key, value]) => key !== key.toLowerCase() || typeof value !== 'string',
    );
    expect(malformed).toEqual([]);
  }
  if (result.type === 'invalid') expect(result.reason.length).toBeGreaterThan(0);
}

function checkVerdict(text: string): void {
  const verdict = readVerdict(text);
  if (verdict.type === 'positive') expect(POSITIVE_TOKENS).toContain(verdict.token);
  else if (verdict.type === 'negative') {
    expect(NEGATIVE_TOKENS).toContain(verdict.token);
    expect(VERDICT_FIELDS).toContain(verdict.field);
  } else {
    expect(verdict.type).toBe('none');
    expect(verdict.reason.length).toBeGreaterThan(0);
    expect(verdict.reason.length).toBeLessThan(400);
  }
}

function checkFindings(text: string): void {
  const parsed = parseFindings(text);
  expect(['present', 'absent']).toContain(parsed.section);
  if (parsed.section === 'absent') expect(parsed.findings).toEqual([]);
  const malformed = parsed.findings.filter(
    (f) => !['P0', 'P1', 'P2'].includes(f.severity) || typeof f.text !== 'string',
  );
  expect(malformed).toEqual([]);
}

function checkBounded(text: string, max: number): void {
  const excerpt = failureExcerpt(text, max);
  expect(excerpt.length).toBeLessThanOrEqual(Math.max(0, max));
  const truncated = truncateWithPointer(text, max, 'p.md');
  if (text.length <= Math.max(0, max)) expect(truncated).toBe(text);
  else {
    expect(truncated.endsWith('\n… (truncated, full text: p.md)')).toBe(true);
    expect(text.startsWith(truncated.slice(0, -'\n… (truncated, full text: p.md)'.length))).toBe(true);
    expect(truncated.length).toBeLessThanOrEqual(Math.max(max, '\n… (truncated, full text: p.md)'.length));
  }
  if (!LONE_SURROGATE.test(text)) {
    expect(LONE_SURROGATE.test(truncated)).toBe(false);
    expect(LONE_SURROGATE.test(excerpt)).toBe(false);
    expect(LONE_SURROGATE.test(cutToLength(text, max, 'end'))).toBe(false);
  }
}

function checkAll(text: string, max = MUST_FIX_LIMIT): void {
  checkFrontmatter(text);
  checkVerdict(text);
  checkFindings(text);
  checkBounded(text, max);
  const reason = unreadableReason(text);
  expect(reason === null || reason.length > 0).toBe(true);
  if (text.includes('\u0000')) expect(reason).toMatch(/NUL/);
}

describe('artefact parsers are total', () => {
  it('return well-formed values for arbitrary text', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: -5, max: 300 }), (text, max) => checkAll(text, max)),
      { numRuns: 400 },
    );
  });

  it('return well-formed values for huge inputs', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(huge, (text) => checkAll(text)),
      { numRuns: 4 },
    );
  });

  it.each(pathological.map((text, i) => [i, text] as const))(
    'handle pathological input #%i quickly',
    { timeout: 10_000 },
    (_i, text) => {
      const started = performance.now();
      checkAll(text);
      expect(performance.now() - started).toBeLessThan(5_000);
    },
  );

  it('never report a negative verdict when no negative word is present', () => {
    const positiveOrNoise = fc.constantFrom(...POSITIVE_TOKENS, 'maybe', 'LGTM', '', 'PASSING', '"ok"');
    fc.assert(
      fc.property(
        fc.subarray([...VERDICT_FIELDS]),
        fc.array(positiveOrNoise, { minLength: 3, maxLength: 3 }),
        (fields, values) => {
          const text = `---\n${fields.map((f, i) => `${f}: ${values[i]}`).join('\n')}\n---\n`;
          const verdict = readVerdict(text);
          expect(verdict.type).not.toBe('negative');
          const anyPositive = fields.some((_f, i) =>
            POSITIVE_TOKENS.includes((values[i] ?? '').replaceAll('"', '').toUpperCase()),
          );
          expect(verdict.type === 'positive').toBe(anyPositive);
        },
      ),
      { numRuns: 200 },
    );
  });
});
