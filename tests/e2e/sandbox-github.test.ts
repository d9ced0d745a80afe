/**
 * `conveyor sandbox --forge github`, then `conveyor doctor` and `conveyor start` with only the
 * printed `.env` (TELEGRAM_* and GITHUB_*, no GITEA_*, no PLANE_*): Alice posts `/new`, the GitHub
 * issue is opened first, she presses ✅, and the task is delivered onto the sandbox repository's
 * main through GitHub's check runs and merge. All real processes. An unknown `--forge` exits 2.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/conveyor-harness.ts';
import { freePort } from '../support/start-process.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/conveyor.js');
const CHAT = -1001234567890;
const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

interface ChatMessage {
  readonly messageId: number;
  readonly plain: string;
  readonly from: { readonly is_bot: boolean };
  readonly buttons: readonly (readonly { readonly text: string; readonly callback_data?: string }[])[];
}

const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function launch(args: string[], cwd: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: BASE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  return { child, output: () => text, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

describe('conveyor sandbox --forge github', () => {
  it('its .env alone runs doctor and start; /new opens the GitHub issue and the task is delivered', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'conveyor-sandbox-github-'));
    folders.push(folder);
    const port = await freePort();
    const sandbox = launch(['sandbox', '--forge', 'github', '--listener', `http://127.0.0.1:${port}`], folder);
    await waitFor(() => sandbox.output().includes('Press a button'), 60_000, sandbox.output);
    const envLines = sandbox.output().split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line));
    expect(envLines.filter((line) => /^(GITEA|PLANE)_/.test(line))).toEqual([]);
    expect(envLines.map((line) => line.split('=')[0])).toEqual(expect.arrayContaining(['GITHUB_API_URL', 'GITHUB_TOKEN', 'GITHUB_WEBHOOK_SECRET']));
    writeFileSync(join(folder, '.env'), `${envLines.join('\n')}\n`);
    const value = (name: string) => (envLines.find((l) => l.startsWith(`${name}=`)) ?? '').slice(name.length + 1).replace(/^'(.*)'$/, '$1');
    const telegram = value('TELEGRAM_API_ROOT');
    const bare = (JSON.parse(value('ORCH_PROJECTS_JSON')) as { projects: { cloneUrl: string }[] }).projects[0]?.cloneUrl ?? '';

    const doctor = await run(process.execPath, [BIN, 'doctor'], { cwd: folder, env: BASE_ENV, timeout: 60_000 });
    expect(doctor.stdout).toContain('all checks passed');

    const start = launch(['start'], folder);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 60_000, start.output);
    const chat = async (): Promise<ChatMessage[]> => ((await (await fetch(`${telegram}/control/chats/${CHAT}`)).json()) as { messages: ChatMessage[] }).messages;
    const post = (path: string, body: unknown) => fetch(`${telegram}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/control/messages', { chatId: CHAT, from: ALICE, text: '/new SHOP Add a wishlist count' })).status).toBe(200);

    let approval: ChatMessage | undefined;
    await waitFor(async () => (approval = (await chat()).find((m) => m.from.is_bot && m.buttons.flat().some((b) => b.callback_data?.startsWith('a:')))) !== undefined, 90_000, start.output);
    const approve = approval?.buttons.flat().find((b) => b.callback_data?.startsWith('a:'));
    expect((await post('/control/press', { chatId: CHAT, messageId: approval?.messageId, from: ALICE, data: approve?.callback_data })).status).toBe(200);
    await waitFor(async () => (await chat()).some((m) => m.from.is_bot && m.plain.includes('📦 Delivered')), 180_000, () => `${start.output()}\n${sandbox.output()}`);

    // GitHub gave the task its number (issue #1, opened by /new), and the change is on main.
    expect((await chat()).some((m) => m.plain.includes('SHOP-1 · Add a wishlist count'))).toBe(true);
    expect((await run('git', ['--git-dir', bare, 'log', '--format=%s', 'main'])).stdout).toContain('SHOP-1: Add a wishlist count');
    expect((await run('git', ['--git-dir', bare, 'show', 'main:cart.js'])).stdout).toContain('wishlistCount');
    expect(start.output()).not.toMatch(/gitea webhook secret|plane webhook secret/);
    const issue = (await (await fetch(`${value('GITHUB_API_URL')}/repos/demo/shop/issues/1`, { headers: { authorization: `Bearer ${value('GITHUB_TOKEN')}` } })).json()) as { title: string; labels: { name: string }[] };
    expect(issue.title).toBe('Add a wishlist count');
    expect(issue.labels.map((l) => l.name)).toContain('agent');
    await waitFor(async () => ((await (await fetch(`${value('GITHUB_API_URL')}/repos/demo/shop/issues/1`, { headers: { authorization: `Bearer ${value('GITHUB_TOKEN')}` } })).json()) as { state: string }).state === 'closed', 30_000, () => 'issue #1 was not closed');

    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  }, 360_000);

  it('an unknown --forge is a usage error (exit 2)', async () => {
    const failed = await run(process.execPath, [BIN, 'sandbox', '--forge', 'bitbucket'], { env: BASE_ENV }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('conveyor sandbox: --forge must be one of gitea, github (got "bitbucket")');
  });
});
