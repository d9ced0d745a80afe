/**
 * Fault: two whole `conveyor start` processes on one SQLite database (issue 8 §2, reliability
 * scenario 12). The second refuses to start with one clear line and exit code 75, without
 * touching Telegram or the first; the first keeps running. Once the first is SIGKILLed, a new
 * start takes over at once (the dead instance no longer holds the lock).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { ALREADY_RUNNING_EXIT } from '../../app/cli.ts';
import { createGitRemote } from '../support/git-fixtures.ts';
import { queryDb, waitFor } from '../support/conveyor-harness.ts';

const TOKEN = '424242:two-starts-token-abcdefghijklmnop';
const CHAT = -1009876543211;
const dir = mkdtempSync(join(tmpdir(), 'conveyor-two-starts-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | null>;
  output(): string;
}

describe('two conveyor start on one database', () => {
  it('refuses the second with one line and exit code 75; a start after the first was killed runs', async () => {
    const sandbox = await startTelegramSandbox({ token: TOKEN });
    const remote = await createGitRemote('shop');
    try {
      await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
      const projects = { projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: remote.remote, chatId: CHAT, approvers: [111], agents: { default: 'true' } }] };
      const start = async (): Promise<Started> => {
        const port = await freePort();
        const child = spawn(process.execPath, ['bin/conveyor.js', 'start'], {
          cwd: join(import.meta.dirname, '../..'),
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            TELEGRAM_BOT_TOKEN: TOKEN,
            TELEGRAM_API_ROOT: sandbox.apiRoot,
            ORCH_DB_PATH: join(dir, 'conveyor.db'),
            ORCH_WORKDIR: join(dir, 'work'),
            ORCH_PROJECTS_JSON: JSON.stringify(projects),
            ORCH_HTTP_PORT: String(port),
            ORCH_LOG_LEVEL: 'info',
          },
        });
        children.push(child);
        let text = '';
        child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
        child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        return { child, port, exited, output: () => text };
      };
      const healthy = (s: Started) => fetch(`http://127.0.0.1:${s.port}/healthz`).then((r) => r.status === 200, () => false);

      const first = await start();
      await waitFor(() => healthy(first), 30_000, () => `first never healthy:\n${first.output()}`);

      const second = await start();
      const code = await Promise.race([second.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
      expect(code, second.output()).toBe(ALREADY_RUNNING_EXIT);
      const lines = second.output().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^conveyor: another Conveyor is running on .*conveyor\\.db \\(instance .*, pid ${first.child.pid} on .*\\); stop it first$`));
      expect(await healthy(second)).toBe(false);
      expect(await healthy(first)).toBe(true);
      const live = queryDb<{ pid: number }>(join(dir, 'conveyor.db'), 'SELECT pid FROM instances WHERE stopped_at IS NULL');
      expect(live).toEqual([{ pid: first.child.pid }]);
      console.log(`[figure] two starts on one database: second refused with exit ${String(code)}; live instances ${live.length}`);

      first.child.kill('SIGKILL');
      await first.exited;
      const third = await start();
      await waitFor(() => healthy(third), 30_000, () => `the start after the kill never became healthy:\n${third.output()}`);
      expect(third.output()).toContain(`is gone; its running jobs are claimed again now`);
      // The killed start's leader row is a dead one's: the restarted start leads at once, not after the TTL (ADR 0052).
      const leads = await fetch(`http://127.0.0.1:${third.port}/healthz`).then(async (r) => ((await r.json()) as { leader?: boolean }).leader);
      expect(leads).toBe(true);
      third.child.kill('SIGTERM');
      expect(await third.exited, third.output()).toBe(0);
    } finally {
      await sandbox.close();
      await remote.cleanup();
    }
  });
});
