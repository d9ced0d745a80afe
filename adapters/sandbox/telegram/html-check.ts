/**
 * Telegram's HTML parse mode: validates markup the way the Bot API does and renders the text members
 * see plus its entities. Error reasons follow tdlib's wording; one deliberate difference: a `&` that
 * does not start a known entity is an error here, where Telegram keeps it literally, so escaping bugs
 * surface in tests instead of in front of people.
 */
import type { MessageEntity } from 'grammy/types';
import { decodeEntity } from './html-entities.ts';

/** The visible text and its entities, or tdlib's reason for refusing the markup. */
export type HtmlParseResult =
  | { readonly type: 'ok'; readonly plain: string; readonly entities: MessageEntity[] }
  | { readonly type: 'invalid'; readonly reason: string };

type SimpleType = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler';

/** Tags that map to one entity type each; the others carry an argument (href, language, id). */
const SIMPLE_TYPES: Readonly<Record<string, SimpleType>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
};

const ALLOWED_TAGS = new Set([...Object.keys(SIMPLE_TYPES), 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

interface OpenTag {
  readonly tag: string;
  readonly argument: string;
  readonly offset: number;
}

class HtmlError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Parses `html` as Telegram's HTML parse mode; never throws. */
export function parseTelegramHtml(html: string): HtmlParseResult {
  try {
    return { type: 'ok', ...new HtmlParser(html).parse() };
  } catch (error) {
    if (error instanceof HtmlError) return { type: 'invalid', reason: error.reason };
    throw error;
  }
}

class HtmlParser {
  private i = 0;
  private plain = '';
  private readonly open: OpenTag[] = [];
  private readonly entities: (MessageEntity & { codeLanguage?: string })[] = [];

  constructor(private readonly html: string) {}

  parse(): { plain: string; entities: MessageEntity[] } {
    const { html } = this;
    while (this.i < html.length) {
      const c = html[this.i];
      if (c === '&') this.plain += this.entity();
      else if (c === '<') this.tag();
      else this.plain += html[this.i++];
    }
    const unclosed = this.open.at(-1);
    if (unclosed) this.fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
    const entities = this.entities.map(({ codeLanguage: _language, ...entity }) => entity);
    entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { plain: this.plain, entities };
  }

  private fail(reason: string): never {
    throw new HtmlError(reason);
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.html.slice(0, index), 'utf8');
  }

  private isSpace(index: number): boolean {
    const c = this.html[index];
    return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
  }

  private skipSpaces(): void {
    while (this.i < this.html.length && this.isSpace(this.i)) this.i++;
  }

  /** Decodes the entity at `i` and moves past it; a stray `&` is rejected. */
  private entity(): string {
    const start = this.i;
    const decoded = decodeEntity(this.html, start);
    if (!decoded)
      this.fail(`Character '&' at byte offset ${this.byteOffset(start)} must be escaped as "&amp;"`);
    this.i = decoded.end;
    return decoded.text;
  }

  private tag(): void {
    const begin = this.i;
    this.i++;
    if (this.html[this.i] === '/') this.endTag(begin);
    else this.startTag(begin);
  }

  private startTag(begin: number): void {
    const { html } = this;
    while (this.i < html.length && !this.isSpace(this.i) && html[this.i] !== '>') this.i++;
    if (this.i >= html.length) this.fail(`Unclosed start tag at byte offset ${this.byteOffset(begin)}`);
    const tag = html.slice(begin + 1, this.i).toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) {
      this.fail(`Unsupported start tag "${tag}" at byte offset ${this.byteOffset(begin)}`);
    }
    let argument = '';
    while (html[this.i] !== '>') {
      this.skipSpaces();
      if (html[this.i] === '>') break;
      const attribute = this.attribute(tag, begin);
      if (tag === 'a' && attribute.name === 'href') argument = attribute.value;
      else if (tag === 'code' && attribute.name === 'class' && attribute.value.startsWith('language-')) {
        argument = attribute.value.slice('language-'.length);
      } else if (tag === 'span' && attribute.name === 'class' && attribute.value.startsWith('tg-')) {
        argument = attribute.value.slice('tg-'.length);
      } else if (tag === 'tg-emoji' && attribute.name === 'emoji-id') argument = attribute.value;
      else if (tag === 'blockquote' && attribute.name === 'expandable') argument = '1';
    }
    this.i++;
    if (tag === 'span' && argument !== 'spoiler') {
      this.fail(`Tag "span" must have class "tg-spoiler" at byte offset ${this.byteOffset(begin)}`);
    }
    this.open.push({ tag, argument, offset: this.plain.length });
  }

  private attribute(tag: string, begin: number): { name: string; value: string } {
    const { html } = this;
    const nameStart = this.i;
    while (this.i < html.length && !this.isSpace(this.i) && !'=>/"\''.includes(html[this.i]!)) this.i++;
    const name = html.slice(nameStart, this.i);
    if (!name) this.fail(`Empty attribute name in the tag "${tag}" at byte offset ${this.byteOffset(begin)}`);
    this.skipSpaces();
    const unclosed = `Unclosed start tag "${tag}" at byte offset ${this.byteOffset(begin)}`;
    if (html[this.i] !== '=') {
      if (this.i >= html.length) this.fail(unclosed);
      return { name, value: '' };
    }
    this.i++;
    this.skipSpaces();
    if (this.i >= html.length) this.fail(unclosed);
    const value = this.attributeValue();
    if (this.i >= html.length) this.fail(`Unclosed start tag at byte offset ${this.byteOffset(begin)}`);
    return { name, value };
  }

  private attributeValue(): string {
    const { html } = this;
    const quote = html[this.i];
    if (quote !== '"' && quote !== "'") {
      const tokenStart = this.i;
      while (this.i < html.length && /[A-Za-z0-9.-]/.test(html[this.i]!)) this.i++;
      if (!this.isSpace(this.i) && html[this.i] !== '>') {
        this.fail(`Unexpected end of name token at byte offset ${this.byteOffset(tokenStart)}`);
      }
      return html.slice(tokenStart, this.i).toLowerCase();
    }
    this.i++;
    let value = '';
    while (this.i < html.length && html[this.i] !== quote) {
      value += html[this.i] === '&' ? this.entity() : html[this.i++];
    }
    if (html[this.i] === quote) this.i++;
    return value;
  }

  private endTag(begin: number): void {
    const { html } = this;
    const top = this.open.at(-1);
    if (!top) this.fail(`Unexpected end tag at byte offset ${this.byteOffset(begin)}`);
    this.i++;
    while (this.i < html.length && !this.isSpace(this.i) && html[this.i] !== '>') this.i++;
    const name = html.slice(begin + 2, this.i).toLowerCase();
    this.skipSpaces();
    if (html[this.i] !== '>') this.fail(`Unclosed end tag at byte offset ${this.byteOffset(begin)}`);
    this.i++;
    if (name && name !== top.tag) {
      this.fail(
        `Unmatched end tag at byte offset ${this.byteOffset(begin)}, expected "</${top.tag}>", found "</${name}>"`,
      );
    }
    this.open.pop();
    if (this.plain.length > top.offset) this.addEntity(top, top.offset, this.plain.length - top.offset);
  }

  private addEntity(open: OpenTag, offset: number, length: number): void {
    const simple = SIMPLE_TYPES[open.tag];
    const last = this.entities.at(-1);
    const sameRange = last !== undefined && last.offset === offset && last.length === length;
    if (simple) this.entities.push({ type: simple, offset, length });
    else if (open.tag === 'blockquote') {
      this.entities.push({ type: open.argument ? 'expandable_blockquote' : 'blockquote', offset, length });
    } else if (open.tag === 'tg-emoji') {
      if (!/^[1-9][0-9]*$/.test(open.argument)) this.fail('Invalid custom emoji identifier specified');
      this.entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
    } else if (open.tag === 'a') {
      const url = open.argument || this.plain.slice(offset);
      this.entities.push({ type: 'text_link', offset, length, url });
    } else if (open.tag === 'code') {
      if (sameRange && last.type === 'pre' && open.argument) Object.assign(last, { language: open.argument });
      else this.entities.push({ type: 'code', offset, length, codeLanguage: open.argument });
    } else if (open.tag === 'pre') {
      if (sameRange && last.type === 'code' && last.codeLanguage) {
        this.entities[this.entities.length - 1] = {
          type: 'pre',
          offset,
          length,
          language: last.codeLanguage,
        };
      } else this.entities.push({ type: 'pre', offset, length });
    }
  }
}
