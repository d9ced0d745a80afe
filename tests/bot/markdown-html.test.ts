/**
 * The BRD's Markdown as Telegram HTML: each construct of the subset, links only for http(s),
 * escaping, and the length cut — every output checked by the Telegram stand-in's HTML parser
 * (adapters/sandbox/telegram/html-check.ts), also for arbitrary input (property test).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../adapters/sandbox/telegram/html-check.ts';
import { markdownToTelegramHtml } from '../../bot/render/markdown-html.ts';

function parsed(html: string) {
  const result = parseTelegramHtml(html);
  if (result.type !== 'ok')
    throw new Error(`Telegram would refuse ${JSON.stringify(html)}: ${result.reason}`);
  return result;
}
const kinds = (html: string) =>
  parsed(html).entities.map((e) => `${e.type}:${parsed(html).plain.substr(e.offset, e.length)}`);

describe('BRD Markdown to Telegram HTML', () => {
  it('renders headings, lists, code, quotes, tables, rules and emphasis; drops frontmatter', () => {
    const md = [
      '---',
      'title: hidden',
      '---',
      '# BRD: Wishlist <cart> & co',
      '',
      '',
      'Keep **totals**, *taxes*, _fees_ and ~~coupons~~; snake_case_name and 2*3*4 stay.',
      '## Scope',
      '- one `a<b>`',
      '  - nested',
      '3. third',
      '- [ ] todo',
      '- [x] done',
      '> quoted *text*',
      '```ts',
      'if (a < b && c) {}',
      '```',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '***',
    ].join('\n');
    const html = markdownToTelegramHtml(md, 4000);
    const { plain } = parsed(html);
    expect(plain).toBe(
      [
        'BRD: Wishlist <cart> & co',
        '',
        'Keep totals, taxes, fees and coupons; snake_case_name and 2*3*4 stay.',
        'Scope',
        '• one a<b>',
        '  • nested',
        '3. third',
        '☐ todo',
        '☑ done',
        'quoted text',
        'if (a < b && c) {}',
        '| a | b |\n| 1 | 2 |',
        '———',
      ].join('\n'),
    );
    expect(kinds(html)).toEqual([
      'bold:BRD: Wishlist <cart> & co',
      'bold:totals',
      'italic:taxes',
      'italic:fees',
      'strikethrough:coupons',
      'bold:Scope',
      'code:a<b>',
      'blockquote:quoted text',
      'italic:text',
      'pre:if (a < b && c) {}',
      'pre:| a | b |\n| 1 | 2 |',
    ]);
    expect(parsed(html).entities.find((e) => e.type === 'pre')).toMatchObject({ language: 'ts' });
    expect(plain).not.toContain('hidden');
  });

  it('links only http(s) targets; others show their text', () => {
    const html = markdownToTelegramHtml(
      'See [the spec](https://docs.example.com/a?b=1&c="2") and <http://x.example/y>, not [this](javascript:alert) or [that](file:///etc/passwd).',
      4000,
    );
    const { plain, entities } = parsed(html);
    expect(plain).toBe('See the spec and http://x.example/y, not this or that.');
    expect(entities.map((e) => (e.type === 'text_link' ? e.url : e.type))).toEqual([
      'https://docs.example.com/a?b=1&c=%222%22',
      'http://x.example/y',
    ]);
  });

  it('leaves crossing emphasis as written rather than emit tags Telegram refuses', () => {
    const html = markdownToTelegramHtml('**a *b** c* and <b>raw</b>', 4000);
    expect(parsed(html).plain).toBe('**a *b** c* and <b>raw</b>');
    expect(parsed(html).entities).toEqual([]);
  });

  it('cuts a long BRD at a block or line boundary, ends it with …, and never leaves a tag open', () => {
    const md = [
      '# Title',
      ...Array.from({ length: 200 }, (_, i) => `- item **${i}** with \`code ${i}\` & more words`),
      '```',
      ...Array.from({ length: 50 }, (_, i) => `line ${i}`),
      '```',
    ].join('\n');
    const html = markdownToTelegramHtml(md, 1000);
    const { plain } = parsed(html);
    expect(plain.length).toBeLessThanOrEqual(1000);
    expect(plain.length).toBeGreaterThan(900);
    expect(plain.endsWith('\n…')).toBe(true);
    const code = markdownToTelegramHtml(
      `intro\n\`\`\`\n${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n\`\`\``,
      300,
    );
    expect(parsed(code).plain.length).toBeLessThanOrEqual(300);
    expect(parsed(code).entities.map((e) => e.type)).toEqual(['pre']);
    expect(parsed(code).plain).toMatch(/line \d+\n…$/);
  });

  it('always yields HTML Telegram accepts, within the limit, for any input', () => {
    const piece = fc.constantFrom(
      '#',
      '# ',
      '*',
      '**',
      '_',
      '__',
      '~~',
      '`',
      '```',
      '\n',
      '\n\n',
      '> ',
      '- ',
      '1. ',
      '[',
      ']',
      '(',
      ')',
      'https://a.example/',
      '<',
      '>',
      '&',
      '"',
      '|',
      ' ',
      'x',
      'слово',
      '🚀',
      '- [ ] ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 10, max: 300 }), (parts, max) => {
        const html = markdownToTelegramHtml(parts.join(''), max);
        const result = parseTelegramHtml(html);
        expect(result.type).toBe('ok');
        if (result.type === 'ok') expect(result.plain.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 400 },
    );
  });
});
