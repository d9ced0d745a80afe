import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'conveyor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function conveyor(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/conveyor.js', ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('conveyor CLI', () => {
  it('doctor names every missing setting and fails', async () => {
    const result = await conveyor(['doctor'], { ORCH_DB_PATH: join(dir, 'a.db'), ORCH_PROJECTS_FILE: join(dir, 'missing.json') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TELEGRAM_BOT_TOKEN: required by `conveyor start`');
    expect(result.stdout).toContain('GITEA_WEBHOOK_SECRET: not set');
    expect(result.stdout).toContain(`ORCH_PROJECTS_FILE: ${join(dir, 'missing.json')} does not exist`);
    expect(result.stdout).toMatch(/✔ database/);
  });

  it('doctor names the project field whose agent command is missing', async () => {
    const projects = join(dir, 'projects.json');
    writeFileSync(projects, JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'nope.git'), chatId: -1, approvers: [1], agents: { default: 'no-such-agent-cli -p' } }] }));
    const result = await conveyor(['doctor'], { ORCH_DB_PATH: join(dir, 'b.db'), ORCH_PROJECTS_FILE: projects, TELEGRAM_BOT_TOKEN: '123:abcdefghijklmnopqrstuvwxyz', GITEA_WEBHOOK_SECRET: 's' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('projects[SHOP].agents.default: "no-such-agent-cli" is not found');
    expect(result.stdout).toContain('projects[SHOP].cloneUrl: cannot reach the repository');
  });

  it('start refuses bad configuration, naming the variable', async () => {
    const result = await conveyor(['start'], { ORCH_MAX_CONCURRENCY: 'lots', TELEGRAM_BOT_TOKEN: '123:abcdefghijklmnopqrstuvwxyz' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('ORCH_MAX_CONCURRENCY: must be a whole number, got "lots"');
  });

  it('start without a token says which variable is missing', async () => {
    const result = await conveyor(['start'], {});
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('TELEGRAM_BOT_TOKEN: required');
  });

  it('migrate creates the database', async () => {
    const result = await conveyor(['migrate'], { ORCH_DB_PATH: join(dir, 'c.db') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('migrations applied');
  });
});
