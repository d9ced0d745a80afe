import { describe, expect, it } from 'vitest';
import { LogTail } from '../../../adapters/agents/log-tail.ts';

describe('LogTail', () => {
  it('keeps the last non-empty lines across chunks and streams', () => {
    const tail = new LogTail({ maxLines: 3, maxChars: 1000 });
    tail.push('stdout', Buffer.from('one\ntw'));
    tail.push('stderr', Buffer.from('warning\n\n   \n'));
    tail.push('stdout', Buffer.from('o\nthree\nfour'));
    expect(tail.text()).toBe('two\nthree\nfour');
  });

  it('drops colour codes and keeps the last state of a carriage-return progress line', () => {
    const tail = new LogTail({ maxLines: 5, maxChars: 1000 });
    tail.push('stdout', Buffer.from('\u001b[32mPASS\u001b[0m tests\nprogress 10%\rprogress 50%\rprogress 100%\r\n'));
    expect(tail.text()).toBe('PASS tests\nprogress 100%');
  });

  it('decodes multi-byte characters split between chunks', () => {
    const tail = new LogTail({ maxLines: 5, maxChars: 1000 });
    const bytes = Buffer.from('Внедрено ✅\n');
    tail.push('stdout', bytes.subarray(0, 3));
    tail.push('stdout', bytes.subarray(3));
    expect(tail.text()).toBe('Внедрено ✅');
  });

  it('stays within the character budget, starting at a line boundary when one is near', () => {
    const tail = new LogTail({ maxLines: 10, maxChars: 25 });
    tail.push('stdout', Buffer.from('first line here\nsecond line\nthird line\n'));
    expect(tail.text()).toBe('second line\nthird line');
    tail.push('stdout', Buffer.from(`${'x'.repeat(100)}\nend\n`));
    expect(tail.text()).toBe(`…${'x'.repeat(20)}\nend`);
  });
});
