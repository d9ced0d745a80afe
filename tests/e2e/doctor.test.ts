/**
 * `conveyor doctor` as an operator runs it (the real bin, a child process) against the Telegram
 * stand-in, a real bare git remote and a real temp directory.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTelegramSandbox,
  type TelegramSandbox,
} from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';

const run = promisify(execFile);
const TOKEN = '123456:doctor-sandbox-token-abcdefgh';
const CHAT = -1001234;
const dir = mkdtempSync(join(tmpdir(), 'conveyor-doctor-'));
let sandbox: TelegramSandbox;
let remote: GitRemote;

beforeAll(async () => {
  sandbox = await startTelegramSandbox({ token: TOKEN, botUsername: 'conveyor_test_bot' });
  await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
  remote = await createGitRemote('shop');
});
afterAll(async () => {
  await sandbox.close();
  await remote.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(env: Record<string, string>) {
  try {
    const { stdout } = await run('node', ['bin/conveyor.js', 'doctor'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

function project(overrides: Record<string, unknown> = {}) {
  return {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl: remote.remote,
    chatId: CHAT,
    approvers: [1],
    agents: { default: 'true' },
    ...overrides,
  };
}

describe('conveyor doctor', () => {
  it('passes on a correct setup without Gitea, creating nothing', async () => {
    const db = join(dir, 'data', 'conveyor.db');
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: db,
      ORCH_PROJECTS_JSON: JSON.stringify({ projects: [project()] }),
    });
    expect(result.stdout).toContain('✓ telegram');
    expect(result.stdout).toContain('bot @conveyor_test_bot');
    expect(result.stdout).toContain(`chat ${CHAT} (Shop) reachable`);
    expect(result.stdout).not.toContain('GITEA_WEBHOOK_SECRET');
    expect(result.stdout).toContain('all checks passed');
    expect(result.code, result.stdout).toBe(0);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('names every problem in one run, errors and warnings apart', async () => {
    const projects = join(dir, 'projects.json');
    const agents = {
      analyst: 'no-such-agent -p',
      developer: 'no-such-agent -p',
      reviewer: 'true',
      tester: 'true',
    };
    writeFileSync(
      projects,
      JSON.stringify({
        projects: [
          project({ agents }),
          project({
            id: 'BLOG',
            repo: 'acme/blog',
            cloneUrl: 'https://user:hunter2@127.0.0.1:1/acme/blog.git',
            chatId: -99,
            agents: { default: 'no-such-agent' },
          }),
        ],
      }),
    );
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'b.db'),
      ORCH_PROJECTS_FILE: projects,
      ORCH_MAX_CONCURRENCY: 'lots',
      ORCH_RECONCILE_GRACE_FOO_S: '5',
      GITEA_URL: 'http://127.0.0.1:1',
      GITEA_TOKEN: 'gitea-token',
    });
    expect(result.code).toBe(1);
    const out = result.stdout;
    // The bad variable does not hide the project, agent and Telegram checks.
    expect(out).toContain('✗ error: ORCH_MAX_CONCURRENCY: must be a whole number, got "lots"');
    expect(out).toContain('✗ error: GITEA_WEBHOOK_SECRET: required when GITEA_URL is set');
    expect(out).toContain('! warning: ORCH_RECONCILE_GRACE_FOO_S: not a variable Conveyor reads');
    expect(out.match(/"no-such-agent" is not found/g)).toHaveLength(1);
    expect(out).toContain(
      'used by projects[SHOP].agents.analyst (analyst); projects[SHOP].agents.developer (developer); projects[BLOG].agents.default (analyst, developer, reviewer, tester)',
    );
    expect(out).toMatch(
      /projects\[BLOG\]\.cloneUrl: cannot reach https:\/\/\*\*\*@127\.0\.0\.1:1\/acme\/blog\.git: .*(Failed to connect|Connection refused|unable to access)/,
    );
    expect(out).not.toContain('hunter2');
    expect(out).toContain('projects[BLOG].chatId: the bot cannot see chat -99 (Bad Request: chat not found)');
    expect(out).toContain("! warning: agents of project SHOP run as Conveyor's own user");
    expect(out).not.toContain(TOKEN.split(':')[1]);
  });

  it("checks a project's signing key: a usable one passes, a missing or world-readable one is named", async () => {
    const good = join(dir, 'signing');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'doctor', '-f', good]);
    const open = join(dir, 'signing-open');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'doctor', '-f', open]);
    chmodSync(open, 0o644);
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'sign.db'),
      ORCH_PROJECTS_JSON: JSON.stringify({
        projects: [
          project({ git: { signingKey: good, mergeMethod: 'merge' } }),
          project({ id: 'BLOG', repo: 'acme/blog', git: { signingKey: join(dir, 'no-such-key') } }),
          project({ id: 'WIKI', repo: 'acme/wiki', git: { signingKey: open } }),
        ],
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('projects[SHOP].git');
    expect(result.stdout).toContain(`✗ error: projects[BLOG].git.signingKey: cannot read ${join(dir, 'no-such-key')} (no such file)`);
    expect(result.stdout).toMatch(/✗ error: projects\[WIKI\]\.git\.signingKey: .* is not a usable SSH private key \(unencrypted, mode 0600\): .*(bad permissions|UNPROTECTED)/i);
  });

  it('skips the agent program check for container-runner projects', async () => {
    const p = project({
      agents: { default: 'claude-in-image -p' },
      agentRunner: { type: 'container', image: 'conveyor-agent:latest' },
    });
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'c.db'),
      ORCH_PROJECTS_JSON: JSON.stringify({ projects: [p] }),
    });
    expect(result.stdout).toContain('✓ agent commands');
    expect(result.stdout).not.toContain('claude-in-image');
  });

  it('says a refused token and an unreachable Bot API plainly', async () => {
    const env = {
      ORCH_DB_PATH: join(dir, 'd.db'),
      ORCH_PROJECTS_JSON: JSON.stringify({ projects: [project()] }),
    };
    const refused = await doctor({
      ...env,
      TELEGRAM_BOT_TOKEN: '123456:some-other-token-abcdefghijk',
      TELEGRAM_API_ROOT: sandbox.apiRoot,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized)');
    const down = await doctor({ ...env, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:1' });
    expect(down.stdout).toContain('TELEGRAM_API_ROOT: cannot reach http://127.0.0.1:1');
  });

  it('warns, without an error, when deploy four-eyes and Plane have no plane.people map (ADR 0035)', async () => {
    const shop = project({
      stages: ['analysis', 'development', 'deploy-staging', 'deploy'],
      staging: { health: { command: 'true' } },
      deploy: { image: 'acme/shop', hook: 'true', health: { command: 'true' }, fourEyes: true },
      plane: { projectId: 'p1' },
    });
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'f.db'),
      ORCH_PROJECTS_JSON: JSON.stringify({ projects: [shop] }),
    });
    const lines = result.stdout.split('\n').filter((line) => line.includes('plane.people'));
    expect(lines).toEqual([
      '    ! warning: SHOP: deploy.fourEyes is on but plane.people is not set — four-eyes cannot recognise who created a Plane task, so its creator may approve its own deploy (map Plane user ids to Telegram ids, ADR 0035)',
    ]);
    const mapped = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'f.db'),
      ORCH_PROJECTS_JSON: JSON.stringify({ projects: [{ ...shop, plane: { projectId: 'p1', people: { 'plane-user-1': 1 } } }] }),
    });
    expect(mapped.stdout).not.toContain('plane.people');
  });

  it('explains a chat @username and a missing field with an example, not the validator text', async () => {
    const bad = {
      projects: [
        {
          id: 'SHOP',
          cloneUrl: remote.remote,
          chatId: '@mygroup',
          approvers: [1],
          agents: { default: 'true' },
        },
      ],
    };
    const result = await doctor({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      ORCH_DB_PATH: join(dir, 'e.db'),
      ORCH_PROJECTS_JSON: JSON.stringify(bad),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'projects[0].chatId: must be the numeric chat id, e.g. -1001234567890 (a @username is not accepted',
    );
    expect(result.stdout).toContain('projects[0].repo: is required, e.g. "acme/shop"');
    expect(result.stdout).not.toContain('Invalid input');
    expect(result.stdout).not.toContain('must match pattern');
  });
});
