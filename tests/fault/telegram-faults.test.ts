/**
 * Telegram faults never stop the pipeline (issue 8 §2, §3), against real `conveyor start`
 * processes and the Bot API sandbox playing the faults as Telegram answers them:
 * - a 409 Conflict on getUpdates while running: the process stays up, /healthz says `conflict`,
 *   webhooks are still accepted and processed, polling resumes when the conflict ends; a token
 *   revoked while running (401): still up, /healthz `unauthorized`, one log line;
 * - a wrong token at start: one line, exit 77, no stack trace, no token;
 * - Telegram down at start: the pipeline runs (webhook → task → agent) while /healthz says
 *   `down`; the pending card and approval arrive within seconds of Telegram's return; in webhook
 *   mode the webhook is set once Telegram answers and updates flow through the listener.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { createGitRemote, type GitRemote } from '../support/git-fixtures.ts';
import { spawnConveyorStart, type StartedConveyor } from '../support/start-process.ts';
import { fixture, giteaHeaders, SECRET } from '../http/webhook-harness.ts';
import { IDS } from '../inbound/inbound-harness.ts';

const TOKEN = '424243:telegram-faults-token-abcdefghijkl';
const CHAT = -1009876500001;
const ALICE = { id: 111, first_name: 'Alice' };
const dir = mkdtempSync(join(tmpdir(), 'conveyor-tg-faults-'));
const running: StartedConveyor[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of running) c.child.kill('SIGKILL');
  for (const cleanup of cleanups) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(name: string): Promise<{ sandbox: TelegramSandbox; remote: GitRemote; env: Record<string, string>; home: string }> {
  const sandbox = await startTelegramSandbox({ token: TOKEN });
  const remote = await createGitRemote('shop');
  cleanups.push(() => sandbox.close(), () => remote.cleanup());
  await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
  const home = join(dir, name);
  const analyst = join(dir, `${name}-analyst.sh`);
  writeFileSync(analyst, `echo ran > "${home}/analyst-ran"\nmkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf "# BRD\\n\\nValidate coupons.\\n" > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n`);
  const projects = {
    projects: [
      {
        id: 'SHOP',
        repo: 'acme/shop',
        cloneUrl: remote.remote,
        chatId: CHAT,
        approvers: [ALICE.id],
        plane: { projectId: IDS.project_id },
        agents: { analyst: `sh "${analyst}"`, default: 'true' },
        stages: ['analysis', 'development'],
      },
    ],
  };
  const env = {
    HOME: home,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: sandbox.apiRoot,
    ORCH_DB_PATH: join(home, 'conveyor.db'),
    ORCH_WORKDIR: join(home, 'work'),
    ORCH_PROJECTS_JSON: JSON.stringify(projects),
    GITEA_WEBHOOK_SECRET: SECRET,
    PLANE_WEBHOOK_SECRET: SECRET,
  };
  return { sandbox, remote, env, home };
}

async function start(env: Parameters<typeof spawnConveyorStart>[0]): Promise<StartedConveyor> {
  const conveyor = await spawnConveyorStart(env);
  running.push(conveyor);
  return conveyor;
}

async function metricLines(conveyor: StartedConveyor, prefix: string): Promise<string[]> {
  const text = await (await fetch(`${conveyor.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

const lines = (output: string, pattern: RegExp) => output.split('\n').filter((line) => pattern.test(line));

describe('Telegram faults never stop conveyor start', () => {
  it('409 on getUpdates while running: stays up, /healthz conflict, webhooks processed, polling resumes; a later 401: up and unhealthy', async () => {
    const { sandbox, env } = await setup('conflict');
    const conveyor = await start(env);
    const telegramState = async () => (await conveyor.health()).body?.checks.telegram;
    await waitFor(async () => (await conveyor.health()).status === 200, 30_000, () => `never healthy:\n${conveyor.output()}`);

    await sandbox.setFault({ type: 'conflict' });
    await waitFor(async () => (await telegramState()) === 'conflict', 15_000, () => `no conflict in /healthz:\n${conveyor.output()}`);
    const during = await conveyor.health();
    expect(during.status).toBe(503);
    expect(during.body?.telegram?.reason).toContain('terminated by other getUpdates request');
    expect(during.body?.checks).toMatchObject({ database: true, workers: true, inbox: true });

    const push = fixture('gitea-push');
    const accepted = await fetch(`${conveyor.url}/webhooks/gitea`, { method: 'POST', body: push.body, headers: giteaHeaders(push.body, 'delivery-during-409') });
    expect(accepted.status).toBe(200);
    await waitFor(async () => (await metricLines(conveyor, 'conveyor_inbox{state="processed"}'))[0] === 'conveyor_inbox{state="processed"} 1', 15_000, () => 'the delivery was not processed');
    // Several polls were refused (backing off), each answered 409.
    await waitFor(async () => (await sandbox.requests()).filter((r) => r.method === 'getUpdates' && r.status === 409).length >= 2, 15_000, () => 'no retry');
    expect(conveyor.child.exitCode).toBeNull();

    await sandbox.setFault(null);
    await waitFor(async () => (await telegramState()) === 'up', 40_000, () => `polling never resumed:\n${conveyor.output()}`);
    await sandbox.postMessage({ chatId: CHAT, chatType: 'supergroup', from: ALICE, text: '/help' });
    const replies = async () => ((await sandbox.chat(CHAT))?.messages ?? []).filter((m) => m.from.is_bot && m.plain.includes('/new'));
    await waitFor(async () => (await replies()).length > 0, 20_000, () => `no reply after the conflict:\n${conveyor.output()}`);
    // One log line for the whole episode, however many polls were refused.
    expect(lines(conveyor.output(), /conflict \(409\)/)).toHaveLength(1);

    await sandbox.setFault({ type: 'unauthorized' });
    await waitFor(async () => (await telegramState()) === 'unauthorized', 40_000, () => `no unauthorized in /healthz:\n${conveyor.output()}`);
    expect((await conveyor.health()).status).toBe(503);
    const later = await fetch(`${conveyor.url}/webhooks/gitea`, { method: 'POST', body: push.body, headers: giteaHeaders(push.body, 'delivery-during-401') });
    expect(later.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(conveyor.child.exitCode).toBeNull();
    expect(lines(conveyor.output(), /refused the bot token/)).toHaveLength(1);

    const output = conveyor.output();
    expect(output).not.toContain(TOKEN);
    expect(output).not.toMatch(/unhandled|UnhandledPromiseRejection|\n\s+at /i);
    expect(await conveyor.stop()).toBe(0);
  }, 180_000);

  it('a wrong token at start: one line, exit 77, no stack trace, no token', async () => {
    const { env } = await setup('wrong-token');
    const wrong = '424243:not-the-right-token-zyxwvutsrqpo';
    const conveyor = await start({ ...env, TELEGRAM_BOT_TOKEN: wrong });
    const code = await Promise.race([conveyor.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    const output = conveyor.output();
    expect(code, output).toBe(77);
    expect(lines(output, /(?<![\d.])401(?!\d)|unauthori[sz]ed|refused/i), output).toEqual(['conveyor: Telegram refused TELEGRAM_BOT_TOKEN (Telegram 401 Unauthorized); check the token']);
    expect(output).not.toMatch(/\n\s+at |Error:/);
    expect(output).not.toContain(wrong);
    expect(output).not.toContain('not-the-right-token');
  }, 60_000);

  it('Telegram down at start: the pipeline runs meanwhile; the pending card and approval arrive within seconds of its return', async () => {
    const { sandbox, env, home } = await setup('down');
    await sandbox.setFault({ type: 'outage', mode: 'refused' });
    const conveyor = await start(env);
    await waitFor(async () => (await conveyor.health()).body?.checks.workers === true, 30_000, () => `never started:\n${conveyor.output()}`);
    const down = await conveyor.health();
    expect(down.status).toBe(503);
    expect(down.body?.checks).toMatchObject({ database: true, workers: true, inbox: true, telegram: 'down' });

    // A Plane issue becomes a task and its analyst runs, all while Telegram is unreachable.
    const issue = fixture('plane-issue-created');
    expect((await fetch(`${conveyor.url}/webhooks/plane`, { method: 'POST', body: issue.body, headers: issue.headers })).status).toBe(200);
    await waitFor(() => existsSync(join(home, 'analyst-ran')), 60_000, () => `the analyst never ran:\n${conveyor.output()}`);
    await new Promise((r) => setTimeout(r, 3000)); // the approval request is written to the outbox
    const health = await conveyor.health();
    expect(health.body?.telegram).toMatchObject({ state: 'down' });
    expect(health.body?.telegram?.reason).toMatch(/network error \(ECONNREFUSED\)/);
    expect((await sandbox.chat(CHAT))?.messages ?? []).toHaveLength(0);

    await sandbox.setFault(null);
    const back = Date.now();
    const botMessages = async () => ((await sandbox.chat(CHAT))?.messages ?? []).filter((m) => m.from.is_bot);
    let seen: string[] = [];
    const arrived = async () => {
      const messages = await botMessages();
      seen = messages.map((m) => m.plain.slice(0, 80));
      return messages.some((m) => m.buttons.flat().some((b) => b.text.includes('Approve'))) && messages.some((m) => m.plain.startsWith('🧩 SHOP-42'));
    };
    await waitFor(arrived, 20_000, () => `no card and approval after recovery: ${JSON.stringify(seen)}\n${conveyor.output()}`);
    const delivered = Date.now() - back;
    console.log(`[telegram down at start] approval delivered ${delivered} ms after Telegram came back`);
    expect(delivered).toBeLessThan(15_000);
    await waitFor(async () => (await conveyor.health()).status === 200, 40_000, () => `never healthy again:\n${conveyor.output()}`);
    expect(lines(conveyor.output(), /Telegram unreachable/)).toHaveLength(1);
    expect(conveyor.output()).not.toContain(TOKEN);
    expect(await conveyor.stop()).toBe(0);
  }, 180_000);

  it('webhook mode, Telegram down at start: the webhook is set once Telegram answers, and updates flow', async () => {
    const { sandbox, env } = await setup('webhook-down');
    await sandbox.setFault({ type: 'server-error', html: true });
    const conveyor = await start((url) => ({ ...env, ORCH_TELEGRAM_MODE: 'webhook', ORCH_TELEGRAM_WEBHOOK_SECRET: 'hook-secret_7', ORCH_PUBLIC_URL: url }));
    await waitFor(async () => (await conveyor.health()).body?.checks.workers === true, 30_000, () => `never started:\n${conveyor.output()}`);
    await waitFor(async () => (await conveyor.health()).body?.telegram?.reason === 'network error (invalid-json)', 15_000, () => `no reason:\n${conveyor.output()}`);
    expect((await sandbox.webhook()).url).toBe('');

    await sandbox.setFault(null);
    await waitFor(async () => (await sandbox.webhook()).url === `${conveyor.url}/webhooks/telegram`, 40_000, () => `webhook never set:\n${conveyor.output()}`);
    await waitFor(async () => (await conveyor.health()).status === 200, 10_000, () => `never healthy:\n${conveyor.output()}`);
    await sandbox.postMessage({ chatId: CHAT, chatType: 'supergroup', from: ALICE, text: '/help' });
    const replies = async () => ((await sandbox.chat(CHAT))?.messages ?? []).filter((m) => m.from.is_bot);
    await waitFor(async () => (await replies()).length > 0, 20_000, () => `no reply through the webhook:\n${conveyor.output()}`);
    expect(await conveyor.stop()).toBe(0);
  }, 120_000);
});
