/**
 * The demo's options: the chat follows ORCH_LOCALE (ru), and its temp folder is removed unless
 * `keep` (then the path is printed). Real demo runs (stand-ins, scripted agents, real git).
 */
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';

describe('demo options', () => {
  it('runs in Russian and removes its temp folder', async () => {
    let output = '';
    const result = await runDemo({ locale: 'ru', timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH } });
    expect(result.ok, output).toBe(true);
    expect(output).toContain('Alice presses ✅ Подтвердить');
    expect(output).not.toContain('Kept in');
    expect(existsSync(result.root)).toBe(false);
  }, 180_000);

  it('keeps its temp folder with keep, printing the path', async () => {
    let output = '';
    const result = await runDemo({ keep: true, timeoutMs: 120_000, write: (t) => void (output += t), env: { PATH: process.env.PATH } });
    try {
      expect(result.ok, output).toBe(true);
      expect(output).toContain(`Kept in ${result.root}; inspect the database: sqlite3 ${result.dbPath}`);
      expect(existsSync(result.dbPath)).toBe(true);
    } finally {
      rmSync(result.root, { recursive: true, force: true });
    }
  }, 180_000);
});
