import { describe, expect, it } from 'vitest';
import { brdGate } from '../../../core/gates/brd-gate.ts';

describe('brdGate', () => {
  it.each([
    ['plain text', '# BRD\nUsers can log in.'],
    ['frontmatter and body', '---\ntitle: Login\n---\nUsers can log in.\n'],
    ['one character', 'x'],
  ])('is green for %s', (_name, brd) => {
    expect(brdGate(brd)).toEqual({ type: 'green' });
  });

  it.each([
    ['missing', null, 'BRD 01-brd.md is missing'],
    ['empty', '', 'BRD 01-brd.md is empty'],
    ['whitespace', ' \n\t\r\n', 'BRD 01-brd.md is empty'],
    ['BOM only', '\uFEFF\n', 'BRD 01-brd.md is empty'],
    ['frontmatter only', '---\ntitle: Login\n---\n\n  \n', 'BRD 01-brd.md is empty'],
  ])('is red when %s', (_name, brd, reason) => {
    expect(brdGate(brd)).toEqual({ type: 'red', reason });
  });

  it.each([
    ['binary garbage', 'PK\u0003\u0004\u0000\u0000\uFFFD\uFFFD'],
    ['mostly replacement characters', '\uFFFD\uFFFD\uFFFD ok'],
    ['truncated frontmatter', '---\ntitle: Login\nUsers can log in'],
  ])('is red "unreadable" for %s', (_name, brd) => {
    const result = brdGate(brd);
    expect(result.type).toBe('red');
    expect(result.type === 'red' ? result.reason : '').toMatch(/^BRD 01-brd\.md is unreadable: .+/);
  });
});
