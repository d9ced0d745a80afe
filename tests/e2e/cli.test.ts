import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'conveyor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(import.meta.dirname, '../../bin/conveyor.js');

async function conveyor(args: string[], env: Record<string, string>, as?: { uid: number; gid: number }, cwd?: string) {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, ...(as ?? {}), ...(cwd ? { cwd } : {}) });
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
    expect(result.stdout).not.toContain('GITEA_WEBHOOK_SECRET');
    expect(result.stdout).toContain(`ORCH_PROJECTS_FILE: ${join(dir, 'missing.json')} does not exist`);
    expect(result.stdout).toMatch(/✓ database/);
  });

  it('doctor names the project field whose agent command is missing', async () => {
    const projects = join(dir, 'projects.json');
    writeFileSync(projects, JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: join(dir, 'nope.git'), chatId: -1, approvers: [1], agents: { default: 'no-such-agent-cli -p' } }] }));
    const result = await conveyor(['doctor'], { ORCH_DB_PATH: join(dir, 'b.db'), ORCH_PROJECTS_FILE: projects, TELEGRAM_BOT_TOKEN: '123:abcdefghijklmnopqrstuvwxyz', GITEA_WEBHOOK_SECRET: 's' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"no-such-agent-cli" is not found or not executable on PATH — used by projects[SHOP].agents.default');
    expect(result.stdout).toContain(`projects[SHOP].cloneUrl: cannot reach ${join(dir, 'nope.git')}: fatal:`);
    expect(result.stdout).toContain("! warning: agents of project SHOP run as Conveyor's own user and can read its secrets");
  });

  it('start names an unreadable secret file by its variable', async () => {
    const result = await conveyor(['start'], { TELEGRAM_BOT_TOKEN_FILE: join(dir, 'no-token-here') });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('TELEGRAM_BOT_TOKEN_FILE: cannot read the file it names (ENOENT)');
  });

  it.skipIf(process.geteuid?.() !== 0)('start refuses a runner user when Conveyor may not switch users, naming the field', async () => {
    const projects = { projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: '/nowhere.git', chatId: -1, approvers: [1], agents: { default: 'true' }, agentRunner: { type: 'process', user: '1002:1002' } }] };
    // Run as an unprivileged user: no root, no CAP_SETUID.
    const result = await conveyor(['start'], { HOME: '/tmp', TELEGRAM_BOT_TOKEN: '123:abcdefghijklmnopqrstuvwxyz', ORCH_PROJECTS_JSON: JSON.stringify(projects) }, { uid: 1001, gid: 1001 });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain('projects[0].agentRunner.user: running agents as 1002:1002 needs root or CAP_SETUID');
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

  it('--version and --help print without running anything', async () => {
    const version = await conveyor(['--version'], {});
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^conveyor \d+\.\d+\.\d+\n$/);
    const help = await conveyor(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: conveyor <command> [options]');
    // Without a token `start` would exit 78; --help only prints its usage.
    const startHelp = await conveyor(['start', '--help'], {});
    expect(startHelp).toMatchObject({ code: 0, stderr: '' });
    expect(startHelp.stdout).toContain('usage: conveyor start');
    const demoHelp = await conveyor(['demo', '-h'], {});
    expect(demoHelp.stdout).toContain('--keep');
  });

  it('an unknown option or command is a usage error (exit 2) naming it', async () => {
    const option = await conveyor(['doctor', '--verbose'], {});
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("conveyor doctor: Unknown option '--verbose'");
    expect(option.stderr).toContain('usage: conveyor doctor');
    const command = await conveyor(['strat'], {});
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "strat"');
  });

  it('migrate reads ./.env like start', async () => {
    const cwd = mkdtempSync(join(dir, 'envdir-'));
    writeFileSync(join(cwd, '.env'), `ORCH_DB_PATH=${join(cwd, 'from-dotenv.db')}\n`);
    const result = await conveyor(['migrate'], {}, undefined, cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`migrations applied to ${join(cwd, 'from-dotenv.db')}`);
    expect(existsSync(join(cwd, 'from-dotenv.db'))).toBe(true);
  });
});
