/**
 * The demo's options and its whole output: `conveyor demo` as a person runs it (a real process,
 * stdout and stderr, logger lines included) in Russian reads calmly — no line looks like a warning
 * when nothing is wrong — removes its temp folder and ends with what to try next; `keep` keeps the
 * folder and prints its path. Real demo runs (stand-ins, scripted agents, real git).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/conveyor.js');
const scratch = mkdtempSync(join(tmpdir(), 'conveyor-demo-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What reads like something went wrong. */
const ALARMING = /⚠️|❌|🆘|\bwarn(ing)?\b|"level":\s*(40|50|60)|\bunresolved\b|\bfailed\b|\b[A-Z]\w*Error:/i;

describe('demo options', () => {
  it('runs in Russian as a process, prints nothing alarming, removes its temp folder and says what to try next', async () => {
    const temp = join(scratch, 'tmp');
    mkdirSync(temp);
    const { stdout, stderr } = await run('node', [BIN, 'demo'], {
      env: { PATH: process.env.PATH ?? '', HOME: scratch, TMPDIR: temp, ORCH_LOCALE: 'ru' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const output = `${stdout}${stderr}`;
    expect(output).toContain('Alice presses ✅ Подтвердить');
    expect(output).toContain('✅ task reached done');
    expect(output).toContain('🔁 откаты 1/3');
    expect(stderr).toBe('');
    const alarming = output.split('\n').filter((line) => ALARMING.test(line));
    expect(alarming).toEqual([]);
    expect(output).not.toContain('Kept in');
    expect(readdirSync(temp).filter((name) => name.startsWith('conveyor-demo-'))).toEqual([]);
    const tail = output.trimEnd().split('\n').slice(-4).join('\n');
    expect(tail).toMatch(/^Next:$/m);
    expect(tail).toContain('npx conveyor sandbox');
    expect(tail).toContain('README "Run it for real"');
  }, 180_000);

  it('keeps its temp folder with keep, printing the path', async () => {
    let output = '';
    const result = await runDemo({ keep: true, timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH } });
    try {
      expect(result.ok, output).toBe(true);
      expect(output).toContain(`Kept in ${result.root}; inspect the database: sqlite3 ${result.dbPath}`);
      expect(existsSync(result.dbPath)).toBe(true);
      expect(existsSync(join(result.root, 'webhooks.txt'))).toBe(true);
    } finally {
      rmSync(result.root, { recursive: true, force: true });
    }
  }, 180_000);
});
