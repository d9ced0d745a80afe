import { describe, expect, it } from 'vitest';
import { unreadableReason } from '../../../core/artifacts/unreadable.ts';

describe('unreadableReason', () => {
  it.each([
    ['plain markdown', '---\nverdict: PASS\n---\n# Review\n'],
    ['tabs, CRLF and form feed', 'a\tb\r\nc\f'],
    ['ANSI colours', '\u001b[31mFAIL\u001b[0m'],
    ['unicode text', 'Привет 😀 日本語'],
    ['a rare replacement character', `${'text '.repeat(100)}\uFFFD`],
    ['empty', ''],
  ])('reads %s', (_name, text) => {
    expect(unreadableReason(text)).toBeNull();
  });

  it.each([
    ['a NUL byte', 'verdict: PASS\u0000', /NUL/],
    ['mostly replacement characters', '\uFFFD\uFFFDPK\uFFFD\u0003\u0004', /undecodable/],
    [
      'decoded binary',
      new TextDecoder().decode(
        Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256).filter((b) => b !== 0),
      ),
      /undecodable/,
    ],
  ])('rejects %s', (_name, text, reason) => {
    expect(unreadableReason(text)).toMatch(reason);
  });
});
