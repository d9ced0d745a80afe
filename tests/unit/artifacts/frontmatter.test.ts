import { describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../../../core/artifacts/frontmatter.ts';

function fieldsOf(text: string): Record<string, string> {
  const result = parseFrontmatter(text);
  if (result.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return { ...result.fields };
}

describe('parseFrontmatter', () => {
  it('reads key: value pairs and returns the body after the closing line', () => {
    const result = parseFrontmatter('---\nverdict: PASS\ntitle: Login page\n---\n# Body\ntext\n');
    expect(result).toEqual({
      type: 'ok',
      fields: { verdict: 'PASS', title: 'Login page' },
      body: '# Body\ntext\n',
    });
  });

  it.each([
    ['LF', '---\nresult: PASS\n---\nbody'],
    ['CRLF', '---\r\nresult: PASS\r\n---\r\nbody'],
    ['BOM + LF', '\uFEFF---\nresult: PASS\n---\nbody'],
    ['BOM + CRLF', '\uFEFF---\r\nresult: PASS\r\n---\r\nbody'],
    ['"..." closing', '---\nresult: PASS\n...\nbody'],
    ['trailing blanks on delimiters', '--- \t\nresult: PASS\n---  \nbody'],
  ])('accepts %s', (_name, text) => {
    const result = parseFrontmatter(text);
    expect(result.type).toBe('ok');
    expect(result.type === 'ok' ? result.fields : null).toEqual({ result: 'PASS' });
    expect(result.body).toBe('body');
  });

  it('lower-cases keys and trims values', () => {
    expect(fieldsOf('---\nVerDict:    APPROVED   \nSTATUS:\tok\n---\n')).toEqual({
      verdict: 'APPROVED',
      status: 'ok',
    });
  });

  it.each([
    ['double quotes', 'verdict: "PASS"', 'PASS'],
    ['single quotes', "verdict: 'PASS'", 'PASS'],
    ['escaped double quote', 'verdict: "say \\"hi\\""', 'say "hi"'],
    ['doubled single quote', "verdict: 'it''s fine'", "it's fine"],
    ['quotes keep inner blanks', 'verdict: "  PASS  "', '  PASS  '],
    ['comment after unquoted value', 'verdict: PASS # reviewed by bot', 'PASS'],
    ['comment after quoted value', 'verdict: "PASS" # ok', 'PASS'],
    ['hash inside quotes is kept', 'verdict: "PASS # not a comment"', 'PASS # not a comment'],
    ['hash without a blank before it is kept', 'verdict: C#', 'C#'],
    ['colon inside the value', 'title: a: b', 'a: b'],
    ['lone quote is literal', 'verdict: "PASS', '"PASS'],
    ['empty value', 'verdict:', ''],
    ['quoted key', '"Verdict": FAIL', 'FAIL'],
  ])('values: %s', (_name, line, expected) => {
    expect(Object.values(fieldsOf(`---\n${line}\n---\n`))).toEqual([expected]);
  });

  it('ignores lists, nested maps, comments and lines that are not pairs', () => {
    const text =
      '---\ntags:\n  - a\n  - b\nmeta:\n  verdict: FAIL\n# comment\nkey:value\nplain words\n- item\nresult: PASS\n---\n';
    expect(fieldsOf(text)).toEqual({ tags: '', meta: '', result: 'PASS' });
  });

  it('returns an empty field set for an empty block', () => {
    expect(parseFrontmatter('---\n---\nbody')).toEqual({ type: 'ok', fields: {}, body: 'body' });
  });

  it('returns an empty body when the closing line ends the text', () => {
    expect(parseFrontmatter('---\nresult: PASS\n---')).toEqual({
      type: 'ok',
      fields: { result: 'PASS' },
      body: '',
    });
  });

  it('keeps the body verbatim, including later --- lines', () => {
    const result = parseFrontmatter('---\na: 1\n---\nline\n---\nmore\r\n');
    expect(result.body).toBe('line\n---\nmore\r\n');
  });

  it.each([
    ['no frontmatter', '# Title\nresult: PASS\n'],
    ['leading blank line', '\n---\nresult: PASS\n---\n'],
    ['leading spaces', '  ---\nresult: PASS\n---\n'],
    ['four dashes', '----\nresult: PASS\n----\n'],
    ['text after the dashes', '--- yaml\nresult: PASS\n---\n'],
    ['empty text', ''],
  ])('none: %s', (_name, text) => {
    expect(parseFrontmatter(text)).toEqual({ type: 'none', body: text });
  });

  it('strips the BOM from the body of a text without frontmatter', () => {
    expect(parseFrontmatter('\uFEFF# Title')).toEqual({ type: 'none', body: '# Title' });
  });

  it.each([
    ['unclosed block', '---\nresult: PASS\nbody without end\n'],
    ['only the opening line', '---'],
    ['opening line and newline', '---\n'],
    ['truncated in the middle', '\uFEFF---\r\nverdict: APPR'],
  ])('invalid: %s', (_name, text) => {
    const result = parseFrontmatter(text);
    expect(result.type).toBe('invalid');
    expect(result.type === 'invalid' ? result.reason : '').toMatch(/not closed/);
  });

  it('treats a key given twice as invalid rather than picking one', () => {
    const result = parseFrontmatter('---\nverdict: FAIL\nVerdict: PASS\n---\n');
    expect(result).toMatchObject({ type: 'invalid', reason: expect.stringContaining('verdict') });
  });

  it('stores keys such as __proto__ as own fields and inherits nothing', () => {
    const result = parseFrontmatter('---\n__proto__: x\nconstructor: y\n---\n');
    const fields = result.type === 'ok' ? result.fields : {};
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(fields['__proto__']).toBe('x');
    expect(fields['constructor']).toBe('y');
    const plain = parseFrontmatter('---\na: 1\n---\n');
    const plainFields = plain.type === 'ok' ? plain.fields : { constructor: 'not ok' };
    expect('constructor' in plainFields).toBe(false);
    expect('toString' in plainFields).toBe(false);
  });

  it('keeps a value with a line separator character intact', () => {
    expect(fieldsOf('---\nresult: FAIL\u2028x\n---\n')).toEqual({ result: 'FAIL\u2028x' });
  });
});
