import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'conveyor-staging-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conveyor start with a bad staging block', () => {
  it('refuses to start, naming the field', async () => {
    const projects = join(dir, 'projects.json');
    const staging = { health: { command: 'true' }, context: '../outside', checks: [{ id: 'C1', name: 'n', command: 'true', class: 'flaky' }] };
    writeFileSync(projects, JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'x.git'), chatId: -1, approvers: [1], agents: { default: 'true' }, staging }] }));
    const failure = await run('node', ['bin/conveyor.js', 'start'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ORCH_DB_PATH: join(dir, 'a.db'), ORCH_PROJECTS_FILE: projects, TELEGRAM_BOT_TOKEN: '123:abcdefghijklmnopqrstuvwxyz' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(78);
    expect(failure.stderr).toContain('projects[0].staging.context: must stay inside the repository');
    expect(failure.stderr).toContain('projects[0].staging.checks[0].class: must be "real" or "sandbox_infra"');
  });
});
