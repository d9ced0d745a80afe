import { describe, expect, it } from 'vitest';
import { MUST_FIX_LIMIT, cutToLength, truncateWithPointer } from '../../../core/artifacts/truncate.ts';

const POINTER = 'docs/work-items/SHOP-42/12-review.md';
const NOTICE = `\n… (truncated, full text: ${POINTER})`;

describe('truncateWithPointer', () => {
  it('exports the must-fix limit', () => {
    expect(MUST_FIX_LIMIT).toBe(4000);
  });

  it('returns text within the limit unchanged, up to exactly the limit', () => {
    expect(truncateWithPointer('abc', 3, POINTER)).toBe('abc');
    expect(truncateWithPointer('', 0, POINTER)).toBe('');
    const exact = 'x'.repeat(MUST_FIX_LIMIT);
    expect(truncateWithPointer(exact, MUST_FIX_LIMIT, POINTER)).toBe(exact);
  });

  it('one character over the limit is truncated with the pointer and fits the limit', () => {
    const text = 'x'.repeat(MUST_FIX_LIMIT + 1);
    const out = truncateWithPointer(text, MUST_FIX_LIMIT, POINTER);
    expect(out.endsWith(NOTICE)).toBe(true);
    expect(out.length).toBe(MUST_FIX_LIMIT);
    expect(text.startsWith(out.slice(0, -NOTICE.length))).toBe(true);
  });

  it('cuts at a nearby line boundary', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `finding number ${i}`);
    const out = truncateWithPointer(lines.join('\n'), 500, POINTER);
    const kept = out.slice(0, -NOTICE.length);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(lines.join('\n').startsWith(`${kept}\n`)).toBe(true);
    expect(kept.split('\n').every((line) => lines.includes(line))).toBe(true);
  });

  it('cuts mid-line when no line boundary is near', () => {
    const text = `short\n${'y'.repeat(1000)}`;
    const out = truncateWithPointer(text, 300, POINTER);
    expect(out).toBe(`short\n${'y'.repeat(300 - NOTICE.length - 6)}${NOTICE}`);
  });

  it('never splits a surrogate pair', () => {
    for (let limit = NOTICE.length; limit < NOTICE.length + 12; limit += 1) {
      const out = truncateWithPointer('😀'.repeat(50), limit, POINTER);
      const kept = out.slice(0, -NOTICE.length);
      expect(kept).toMatch(/^(😀)*$/u);
      expect(out.length).toBeLessThanOrEqual(limit);
    }
  });

  it('keeps the whole notice when the limit is smaller than it', () => {
    expect(truncateWithPointer('abcdef', 3, POINTER)).toBe(NOTICE);
  });
});

describe('cutToLength', () => {
  it('keeps the end at a line boundary when asked', () => {
    expect(cutToLength('aaaa\nbbbb\ncccc', 10, 'end')).toBe('bbbb\ncccc');
  });

  it('keeps the end without splitting a surrogate pair', () => {
    expect(cutToLength('😀😀😀', 3, 'end')).toBe('😀');
    expect(cutToLength('😀😀😀', 3, 'start')).toBe('😀');
  });

  it('returns short text unchanged and nothing for a zero budget', () => {
    expect(cutToLength('abc', 3)).toBe('abc');
    expect(cutToLength('abc', 0)).toBe('');
  });
});
