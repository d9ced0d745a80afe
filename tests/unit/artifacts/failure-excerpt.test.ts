import { describe, expect, it } from 'vitest';
import { failureExcerpt } from '../../../core/artifacts/failure-excerpt.ts';

const numbered = (count: number, prefix = 'line'): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

describe('failureExcerpt', () => {
  it('prefers the contents of fenced code blocks', () => {
    const body = [
      '# Test report',
      'Some prose about an error we saw.',
      '```',
      'FAIL src/a.test.ts',
      '  expected 1, got 2',
      '```',
      'More prose.',
    ].join('\n');
    expect(failureExcerpt(body, 1000)).toBe('FAIL src/a.test.ts\n  expected 1, got 2');
  });

  it('among several blocks keeps those with failing lines', () => {
    const body = [
      '```',
      'npm ci',
      '```',
      '~~~text',
      'AssertionError: boom',
      '~~~',
      '```',
      'all good',
      '```',
      '```',
      'panic: nil map',
      '```',
    ].join('\n');
    expect(failureExcerpt(body, 1000)).toBe('AssertionError: boom\n\npanic: nil map');
  });

  it('keeps every block when none has a failing line', () => {
    const body = ['```', 'a', '```', 'text', '```', 'b', '```'].join('\n');
    expect(failureExcerpt(body, 1000)).toBe('a\n\nb');
  });

  it('keeps the output of an unclosed block', () => {
    expect(failureExcerpt('report\n```\nError: cut short\nat x', 1000)).toBe('Error: cut short\nat x');
  });

  it('without blocks, shows failing lines with a little context and marks gaps', () => {
    const lines = numbered(30);
    lines[9] = 'FAIL one';
    lines[24] = 'Error: two';
    const excerpt = failureExcerpt(lines.join('\n'), 1000);
    expect(excerpt).toBe(
      [
        'line 8',
        'line 9',
        'FAIL one',
        'line 11',
        'line 12',
        'line 13',
        '…',
        'line 23',
        'line 24',
        'Error: two',
        'line 26',
        'line 27',
        'line 28',
      ].join('\n'),
    );
  });

  it.each([
    'test failed',
    'ERROR x',
    'assertion',
    'Expected: 1',
    '✗ case',
    '✘ case',
    'panic!',
    'NullPointerException',
  ])('treats %j as a failing line', (line) => {
    const lines = [...numbered(20), line, ...numbered(20, 'after')];
    const excerpt = failureExcerpt(lines.join('\n'), 1000);
    expect(excerpt.split('\n')).toEqual(['line 19', 'line 20', line, 'after 1', 'after 2', 'after 3']);
  });

  it('falls back to the last lines', () => {
    const body = numbered(1000).join('\n');
    const excerpt = failureExcerpt(body, 100);
    expect(excerpt.length).toBeLessThanOrEqual(100);
    expect(excerpt.endsWith('line 1000')).toBe(true);
    expect(excerpt.startsWith('line ')).toBe(true);
  });

  it('a long failure excerpt keeps its start', () => {
    const body = Array.from({ length: 500 }, (_, i) => `FAIL case ${i}`).join('\n');
    const excerpt = failureExcerpt(body, 200);
    expect(excerpt.length).toBeLessThanOrEqual(200);
    expect(excerpt.startsWith('FAIL case 0\nFAIL case 1')).toBe(true);
  });

  it('narrows an oversized code block to its failing lines', () => {
    const block = [...numbered(400), 'AssertionError: here', ...numbered(400, 'after')];
    const excerpt = failureExcerpt(['```', ...block, '```'].join('\n'), 500);
    expect(excerpt).toBe(
      ['line 399', 'line 400', 'AssertionError: here', 'after 1', 'after 2', 'after 3'].join('\n'),
    );
  });

  it('removes ANSI colour codes', () => {
    expect(failureExcerpt('\u001b[31mFAIL\u001b[0m test', 100)).toBe('FAIL test');
  });

  it.each([0, -5, Number.NaN])('returns nothing for maxChars %s', (max) => {
    expect(failureExcerpt('FAIL', max)).toBe('');
  });

  it('returns nothing for an empty body', () => {
    expect(failureExcerpt('  \n\n', 100)).toBe('');
  });

  it('never splits a surrogate pair when cutting', () => {
    const excerpt = failureExcerpt(`FAIL ${'😀'.repeat(100)}`, 50);
    expect(excerpt.length).toBeLessThanOrEqual(50);
    expect(excerpt).toMatch(/^FAIL (😀)+$/u);
  });
});
