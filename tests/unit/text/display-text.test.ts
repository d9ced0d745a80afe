/** Rendered text loses control and bidi-control characters; lone surrogates become U+FFFD. */
import { describe, expect, it } from 'vitest';
import { displayText, wellFormed } from '../../../core/display-text.ts';
import { escapeHtml } from '../../../core/escape-html.ts';
import { plain } from '../../../bot/render/escape-html.ts';
import { stringField } from '../../../core/inbound/payload-fields.ts';
import { createTempStore } from '../../support/temp-store.ts';
import { engineHarness } from '../../support/engine-harness.ts';

describe('displayText', () => {
  it('strips C0 (but newline), DEL and C1 controls; a tab becomes a space; CRLF becomes LF', () => {
    expect(displayText('a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg')).toBe('abcdefg');
    expect(displayText('line one\r\nline\ttwo\rthree')).toBe('line one\nline two\nthree');
  });

  it('strips bidi embeddings, overrides, isolates and marks, so a title cannot spoof its display', () => {
    const spoof = 'invoice\u202Egpj.exe';
    expect(displayText(spoof)).toBe('invoicegpj.exe');
    expect(displayText('\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061Cx')).toBe('x');
  });

  it('keeps right-to-left scripts, emoji and ordinary text as they are', () => {
    const text = 'שלום עולם مرحبا 🚀 Кнопка «корзина» 1<2>3';
    expect(displayText(text)).toBe(text);
  });

  it('turns lone surrogates into U+FFFD and keeps pairs', () => {
    expect(wellFormed('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
    expect(displayText('\uD83D')).toBe('\uFFFD');
  });

  it('gives a webhook field the value the database stores for it', () => {
    const title = stringField(JSON.parse('{"name":"fix \\ud800 bug"}') as Record<string, unknown>, 'name') ?? '';
    expect(title).toBe('fix \uFFFD bug');
    const temp = createTempStore();
    try {
      temp.store.sqlite.prepare('CREATE TABLE t (v TEXT)').run();
      const roundTrip = (value: string) => {
        temp.store.sqlite.prepare('DELETE FROM t').run();
        temp.store.sqlite.prepare('INSERT INTO t VALUES (?)').run(value);
        return (temp.store.sqlite.prepare('SELECT v FROM t').get() as { v: string }).v;
      };
      // Stored raw, a lone surrogate comes back as three U+FFFD (its malformed UTF-8 bytes): the
      // boundary's one U+FFFD is what reads back, so every reader sees the same value.
      // (three on Node 20, one on Node 24: the raw bytes depend on the runtime's UTF-8 encoder.)
      expect(roundTrip('fix \uD800 bug')).toMatch(/^fix \uFFFD{1,3} bug$/);
      expect(roundTrip(title)).toBe(title);
    } finally {
      temp.cleanup();
    }
  });

  it('a task title cut at 300 characters inside an emoji is stored with U+FFFD, not half a pair', async () => {
    const h = engineHarness();
    try {
      const title = `${'a'.repeat(299)}😀 and more`;
      expect(await h.handle({ type: 'TaskRequested', key: 'k1', projectId: h.project.id, title, source: 'chat', actor: 'telegram:1' })).toMatchObject({ type: 'created' });
      const stored = (await h.task(`${h.project.id}-1`)).title;
      expect(stored).toBe(`${'a'.repeat(299)}\uFFFD`);
      // What a fresh read of the row gives, not three U+FFFD from the half pair's bytes.
      expect((h.store.sqlite.prepare('SELECT title FROM tasks').get() as { title: string }).title).toBe(stored);
    } finally {
      h.cleanup();
    }
  });

  it('is applied by escapeHtml and by the plain formatter', () => {
    expect(escapeHtml('<b>\u0000\u202E</b> & "q"')).toBe('&lt;b&gt;&lt;/b&gt; &amp; &quot;q&quot;');
    expect(plain('x\u0000\u202Ey')).toBe('xy');
  });
});
