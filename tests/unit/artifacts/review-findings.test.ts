import { describe, expect, it } from 'vitest';
import { parseFindings } from '../../../core/artifacts/review-findings.ts';

const review = (...lines: string[]): string =>
  ['---', 'verdict: APPROVED', '---', '# Review', ...lines].join('\n');

describe('parseFindings', () => {
  it.each([
    ['- P0: text', 'P0'],
    ['- [P1] text', 'P1'],
    ['- [P1]: text', 'P1'],
    ['- **P1**: text', 'P1'],
    ['- **P1:** text', 'P1'],
    ['- **[P2]** text', 'P2'],
    ['- P2 - text', 'P2'],
    ['- P2 — text', 'P2'],
    ['- (P0) text', 'P0'],
    ['- `P1` text', 'P1'],
    ['- p1: text', 'P1'],
    ['- P0 text', 'P0'],
    ['* P1: text', 'P1'],
    ['+ P1: text', 'P1'],
    ['1. P0: text', 'P0'],
    ['12) [P2] text', 'P2'],
    ['- [ ] P1: text', 'P1'],
    ['- [x] **P0**: text', 'P0'],
  ])('reads %j as %s', (item, severity) => {
    expect(parseFindings(review('## Findings', item))).toEqual({
      findings: [{ severity, text: 'text' }],
      section: 'present',
    });
  });

  it.each([
    '- Parser crash',
    '- P3: later',
    '- P01 text',
    '- P0x text',
    '- text P0',
    'P0: not a list item',
    '-P0: no space',
  ])('ignores %j', (line) => {
    expect(parseFindings(review('## Findings', line)).findings).toEqual([]);
  });

  it('keeps indented continuation lines verbatim, including nested untagged items', () => {
    const parsed = parseFindings(
      review(
        '## Findings',
        '- P0: crash on empty input',
        '  at parser.ts:12',
        '',
        '    - caused by x',
        '- P2: nit',
      ),
    );
    expect(parsed.findings).toEqual([
      { severity: 'P0', text: 'crash on empty input\n  at parser.ts:12\n\n    - caused by x' },
      { severity: 'P2', text: 'nit' },
    ]);
  });

  it('keeps a lazy continuation line and an indented code block', () => {
    const parsed = parseFindings(
      review(
        '## Findings',
        '- P1: wrong total',
        'in checkout',
        '  ```ts',
        '  - P0: inside code',
        '  ```',
        '- P2: x',
      ),
    );
    expect(parsed.findings).toEqual([
      { severity: 'P1', text: 'wrong total\nin checkout\n  ```ts\n  - P0: inside code\n  ```' },
      { severity: 'P2', text: 'x' },
    ]);
  });

  it('a nested item with its own tag is a finding of its own', () => {
    const parsed = parseFindings(review('## Findings', '- P2: style', '  - P0: but this crashes'));
    expect(parsed.findings).toEqual([
      { severity: 'P2', text: 'style' },
      { severity: 'P0', text: 'but this crashes' },
    ]);
  });

  it('an untagged item ends the previous finding', () => {
    const parsed = parseFindings(review('## Findings', '- P1: one', '- general remark', '  more remark'));
    expect(parsed.findings).toEqual([{ severity: 'P1', text: 'one' }]);
  });

  it('a paragraph after a blank line ends the finding', () => {
    const parsed = parseFindings(review('## Findings', '- P1: one', '', 'Closing words.'));
    expect(parsed.findings).toEqual([{ severity: 'P1', text: 'one' }]);
  });

  it('reads continuation under a tag with no text of its own', () => {
    const parsed = parseFindings(review('## Findings', '- P0:', '  the details'));
    expect(parsed.findings).toEqual([{ severity: 'P0', text: '  the details' }]);
  });

  it('stops at the next heading of the same or higher level, not at a deeper one', () => {
    const parsed = parseFindings(
      review(
        '## Findings',
        '- P1: a',
        '### Security',
        '- P0: b',
        '## Notes',
        '- P0: not a finding',
        '# Top',
        '- P0: nor this',
      ),
    );
    expect(parsed.findings.map((f) => f.text)).toEqual(['a', 'b']);
  });

  it('a level-3 Findings section ends at the next level-3 heading', () => {
    const parsed = parseFindings(review('## Review', '### Findings', '- P1: a', '### Tests', '- P0: no'));
    expect(parsed).toEqual({ findings: [{ severity: 'P1', text: 'a' }], section: 'present' });
  });

  it.each([
    '## findings',
    '## FINDINGS',
    '### Findings',
    '## Findings:',
    '## **Findings**',
    '## Findings ##',
    '   ## Findings',
  ])('recognises the heading %j', (heading) => {
    expect(parseFindings(review(heading, '- P1: a')).findings).toEqual([{ severity: 'P1', text: 'a' }]);
  });

  it.each([
    '# Findings',
    '#### Findings',
    '## Findings and notes',
    '##Findings',
    '    ## Findings',
    'Findings',
  ])('does not treat %j as the Findings heading', (heading) => {
    expect(parseFindings(review(heading, '- P1: a'))).toEqual({ findings: [], section: 'absent' });
  });

  it('reports a present but empty section', () => {
    expect(parseFindings(review('## Findings', 'None.'))).toEqual({ findings: [], section: 'present' });
  });

  it('ignores items outside any Findings section', () => {
    expect(parseFindings(review('- P0: loose', '## Summary', '- P0: elsewhere'))).toEqual({
      findings: [],
      section: 'absent',
    });
  });

  it('collects from every Findings section', () => {
    const parsed = parseFindings(review('## Findings', '- P1: a', '## Other', '## Findings', '- P2: b'));
    expect(parsed.findings).toEqual([
      { severity: 'P1', text: 'a' },
      { severity: 'P2', text: 'b' },
    ]);
  });

  it('ignores headings and items inside fenced code blocks', () => {
    const parsed = parseFindings(
      review(
        '```md',
        '## Findings',
        '- P0: example',
        '```',
        '## Findings',
        '```',
        '- P0: quoted',
        '## End',
        '```',
        '- P1: real',
      ),
    );
    expect(parsed).toEqual({ findings: [{ severity: 'P1', text: 'real' }], section: 'present' });
  });

  it('reads CRLF text and ignores frontmatter', () => {
    const text = '---\r\nverdict: FAIL\r\n---\r\n## Findings\r\n- P0: a\r\n  b\r\n';
    expect(parseFindings(text).findings).toEqual([{ severity: 'P0', text: 'a\n  b' }]);
  });

  it('keeps an item with a line separator character', () => {
    expect(parseFindings(review('## Findings', '- P0: a\u2028b')).findings).toEqual([
      { severity: 'P0', text: 'a\u2028b' },
    ]);
  });
});
