/**
 * Start-up failures as the operator sees them: one line on stderr, a distinct exit code, no stack
 * trace. The real bin as a child process, real ports, real files.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'conveyor-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = '123456:startup-failure-token-abcdefgh';
const PROJECTS = JSON.stringify({
  projects: [
    {
      id: 'SHOP',
      repo: 'acme/shop',
      cloneUrl: '/nowhere.git',
      chatId: -1,
      approvers: [1],
      agents: { default: 'no-such-agent-program -p' },
    },
  ],
});

async function start(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/conveyor.js', 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: 'http://127.0.0.1:1',
        ORCH_WORKDIR: join(dir, 'work'),
        ORCH_PROJECTS_JSON: PROJECTS,
        ...env,
      },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One `conveyor:` line (log lines are JSON), and no stack trace. */
function oneLine(stderr: string): void {
  expect(stderr.split('\n').filter((line) => line.startsWith('conveyor:'))).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('start-up failures', () => {
  it('a port in use names ORCH_HTTP_PORT and exits 69, after warning about the missing agent program', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await start({ ORCH_HTTP_PORT: String(port), ORCH_DB_PATH: join(dir, 'a.db') });
      expect(result.code, result.stderr).toBe(69);
      expect(result.stderr).toContain(
        `\nconveyor: ORCH_HTTP_PORT: 127.0.0.1:${port} is already in use by another program; stop it or choose a free port\n`,
      );
      oneLine(result.stderr);
      expect(result.stderr).toContain(
        'agent command not found: \\"no-such-agent-program\\" is not found or not executable on PATH — used by projects[SHOP].agents.default',
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('warns in one line when deploy four-eyes and Plane have no plane.people map (ADR 0035), and still starts', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const shop = {
      id: 'SHOP',
      repo: 'acme/shop',
      cloneUrl: '/nowhere.git',
      chatId: -1,
      approvers: [1],
      agents: { default: 'true' },
      stages: ['analysis', 'development', 'deploy-staging', 'deploy'],
      staging: { health: { command: 'true' } },
      deploy: { image: 'acme/shop', hook: 'true', health: { command: 'true' }, fourEyes: true },
      plane: { projectId: 'p1' },
    };
    const warning = 'SHOP: deploy.fourEyes is on but plane.people is not set';
    try {
      // The port in use ends the start after the start-up warnings: the warning did not stop it earlier.
      const unmapped = await start({ ORCH_HTTP_PORT: String(port), ORCH_DB_PATH: join(dir, 'w.db'), ORCH_PROJECTS_JSON: JSON.stringify({ projects: [shop] }) });
      expect(unmapped.code, unmapped.stderr).toBe(69);
      expect(unmapped.stderr.split('\n').filter((line) => line.includes(warning))).toHaveLength(1);
      const mapped = await start({
        ORCH_HTTP_PORT: String(port),
        ORCH_DB_PATH: join(dir, 'w.db'),
        ORCH_PROJECTS_JSON: JSON.stringify({ projects: [{ ...shop, plane: { projectId: 'p1', people: { 'plane-user-1': 1 } } }] }),
      });
      expect(mapped.code, mapped.stderr).toBe(69);
      expect(mapped.stderr).not.toContain(warning);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a database that cannot be opened names ORCH_DB_PATH and exits 74', async () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const result = await start({ ORCH_HTTP_PORT: '0', ORCH_DB_PATH: join(dir, 'plain-file', 'conveyor.db') });
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toContain(
      `conveyor: ORCH_DB_PATH: cannot open the database ${join(dir, 'plain-file', 'conveyor.db')} (E`,
    );
    expect(result.stderr).toMatch(/\((EEXIST|ENOTDIR): /);
    oneLine(result.stderr);
  });

  it('a locked database names ORCH_DB_PATH and exits 74', async () => {
    const path = join(dir, 'locked.db');
    const holder = new Database(path);
    holder.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);');
    try {
      const result = await start({ ORCH_HTTP_PORT: '0', ORCH_DB_PATH: path });
      expect(result.code, result.stderr).toBe(74);
      expect(result.stderr).toContain(
        `ORCH_DB_PATH: cannot open the database ${path} (it is locked by another process`,
      );
      oneLine(result.stderr);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('an unreadable projects file exits 78 with the path and the reason', async () => {
    const folder = join(dir, 'projects-folder');
    mkdirSync(folder);
    const result = await start({
      ORCH_HTTP_PORT: '0',
      ORCH_DB_PATH: join(dir, 'c.db'),
      ORCH_PROJECTS_JSON: '',
      ORCH_PROJECTS_FILE: folder,
    });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain(
      `ORCH_PROJECTS_FILE: cannot read ${folder} (EISDIR: illegal operation on a directory`,
    );
    oneLine(result.stderr);
  });
});
