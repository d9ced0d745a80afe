/**
 * `conveyor start` as an operator runs it: a real child process configured only through its
 * environment, talking to the Bot API sandbox through TELEGRAM_API_ROOT, serving the listener.
 * It registers its commands, answers in the configured chat (and nowhere else), accepts a signed
 * webhook, reports health, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { createGitRemote } from '../support/git-fixtures.ts';
import { fixture, giteaHeaders } from '../http/webhook-harness.ts';
import { waitFor } from '../support/conveyor-harness.ts';

const TOKEN = '424242:start-test-token-abcdefghijklmnop';
const CHAT = -1009876543210;
const ALICE = { id: 111, first_name: 'Alice' };
const dir = mkdtempSync(join(tmpdir(), 'conveyor-start-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
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

describe('conveyor start', () => {
  it('runs the bot, workers and listener from its environment and stops on SIGTERM', async () => {
    const sandbox = await startTelegramSandbox({ token: TOKEN });
    const remote = await createGitRemote('shop');
    try {
      await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
      const port = await freePort();
      const projects = { projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: remote.remote, chatId: CHAT, approvers: [ALICE.id], agents: { default: 'true' } }] };
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
          GITEA_WEBHOOK_SECRET: 'test-secret',
          ORCH_LOG_LEVEL: 'info',
        },
      });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

      const health = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
      await waitFor(async () => (await health()) === 200, 30_000, () => `never healthy:\n${output}`);
      expect((await sandbox.commands()).flatMap((set) => set.commands.map((c) => c.command))).toContain('queue');

      // The bot answers a configured person in the configured chat…
      await sandbox.postMessage({ chatId: CHAT, chatType: 'supergroup', from: ALICE, text: '/help' });
      const botReplies = async () => ((await sandbox.chat(CHAT))?.messages ?? []).filter((m) => m.from.is_bot);
      await waitFor(async () => (await botReplies()).length > 0, 15_000, () => `no reply:\n${output}`);
      expect((await botReplies())[0]?.plain).toContain('/new <project> <title>');
      // …and stays silent for a stranger.
      await sandbox.postMessage({ chatId: CHAT, chatType: 'supergroup', from: { id: 999, first_name: 'Mallory' }, text: '/help' });

      // A signed webhook is stored and acknowledged; a badly signed one is refused.
      const push = fixture('gitea-push');
      const accepted = await fetch(`http://127.0.0.1:${port}/webhooks/gitea`, { method: 'POST', body: push.body, headers: giteaHeaders(push.body, 'delivery-start-1') });
      expect(accepted.status).toBe(200);
      const forged = await fetch(`http://127.0.0.1:${port}/webhooks/gitea`, { method: 'POST', body: push.body, headers: giteaHeaders(push.body, 'delivery-start-2', 'push', 'wrong-secret') });
      expect(forged.status).toBe(401);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('conveyor_webhook_deliveries_total{source="gitea",outcome="accepted"} 1');
      // The single `start` on SQLite leads (ADR 0052): /healthz and /metrics say so and name it.
      const report = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { leader: boolean; leaderHolder: string | null };
      expect(report.leader).toBe(true);
      expect(report.leaderHolder).toMatch(/\S/);
      expect(metrics).toContain(`conveyor_leader{holder="${report.leaderHolder}"} 1`);

      await new Promise((r) => setTimeout(r, 500));
      expect(await botReplies()).toHaveLength(1);
      expect(output).not.toContain(TOKEN);

      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
      expect(code, output).toBe(0);
    } finally {
      await sandbox.close();
      await remote.cleanup();
    }
  });
});
