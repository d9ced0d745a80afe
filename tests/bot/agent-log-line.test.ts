/** The running agent's last log line: only the file's tail is read; noise is dropped; never throws. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastLogLine } from '../../adapters/agents/log-file-tail.ts';
import { lastLine } from '../../core/notify/log-line.ts';

const dir = mkdtempSync(join(tmpdir(), 'conveyor-log-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('agent log line', () => {
  it('takes the last meaningful line from the end of a long log', () => {
    const file = join(dir, 'analyst-1.log');
    writeFileSync(
      file,
      `${'early noise\n'.repeat(50_000)}\u001b[32mchecking cart.js null handling\u001b[0m\n[conveyor] stopped process group 123\n\n`,
    );
    expect(lastLogLine(file)).toBe('checking cart.js null handling');
  });

  it('keeps the last state of a carriage-return progress line, strips control characters, and shortens', () => {
    expect(lastLine('downloading 10%\rdownloading 55%\rdownloading 99%\n')).toBe('downloading 99%');
    expect(lastLine('tab\there\u0007 bell  and   spaces\n')).toBe('tab here bell and spaces');
    const long = lastLine(`${'x'.repeat(300)}\n`)!;
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });

  it('says nothing for a missing, empty or silent log', () => {
    expect(lastLogLine(join(dir, 'missing.log'))).toBeNull();
    writeFileSync(join(dir, 'empty.log'), '');
    expect(lastLogLine(join(dir, 'empty.log'))).toBeNull();
    expect(lastLine('\n\n[conveyor] not run: refused\n')).toBeNull();
  });
});
