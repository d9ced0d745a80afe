/**
 * The README's newcomer path, as processes (issue 11, "Done when"): `conveyor sandbox` prints the
 * `.env`; in a fresh folder holding only that `.env` (plus `ORCH_LOCALE=ru`), `conveyor doctor`
 * passes and `conveyor start` runs; Alice posts `/new`, presses ✅ in the chat, and the task is
 * delivered onto the sandbox repository's main, with every bot message in Russian. CI runs this on
 * both Node lines.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { englishWords } from '../support/english-words.ts';
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => text, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, context: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the README newcomer path (sandbox → doctor → start → delivered, in Russian)', () => {
  it('delivers a task created in the chat, with every bot message in Russian', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'conveyor-newcomer-'));
    folders.push(folder);
    const port = await freePort();
    const sandbox = launch(['sandbox', '--listener', `http://127.0.0.1:${port}`], folder);
    await until('the sandbox to print how to press a button', () => (sandbox.output().includes('Press a button') ? true : undefined), 60_000, sandbox.output);

    // The .env a person copies from the sandbox's output.
    const envLines = sandbox.output().split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line));
    writeFileSync(join(folder, '.env'), [...envLines, 'ORCH_LOCALE=ru', ''].join('\n'));
    const value = (name: string): string => {
      const line = envLines.find((l) => l.startsWith(`${name}=`));
      if (!line) throw new Error(`${name} not printed:\n${sandbox.output()}`);
      return line.slice(name.length + 1).replace(/^'(.*)'$/, '$1');
    };
    const telegram = value('TELEGRAM_API_ROOT');
    const projects = JSON.parse(value('ORCH_PROJECTS_JSON')) as { projects: { cloneUrl: string }[] };
    const bareRepo = projects.projects[0]?.cloneUrl ?? '';

    const doctor = await run(process.execPath, [BIN, 'doctor'], { cwd: folder, env: BASE_ENV, timeout: 60_000 });
    expect(doctor.stdout).toContain('all checks passed');

    const start = launch(['start'], folder);
    await until('the listener', async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200 ? true : undefined), 60_000, start.output);

    const chat = async (): Promise<ChatMessage[]> => ((await (await fetch(`${telegram}/control/chats/${CHAT}`)).json()) as { messages: ChatMessage[] }).messages;
    const post = (path: string, body: unknown) => fetch(`${telegram}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const story = async () => (await chat()).map((m) => m.plain).join('\n---\n');

    expect((await post('/control/messages', { chatId: CHAT, from: ALICE, text: '/new SHOP Add a wishlist count' })).status).toBe(200);
    const approval = await until('the BRD approval buttons', async () => (await chat()).find((m) => m.from.is_bot && m.buttons.flat().some((b) => b.callback_data?.startsWith('a:'))), 90_000, start.output);
    const approve = approval.buttons.flat().find((b) => b.callback_data?.startsWith('a:'));
    expect(approve?.text).toBe('✅ Подтвердить');
    expect((await post('/control/press', { chatId: CHAT, messageId: approval.messageId, from: ALICE, data: approve?.callback_data })).status).toBe(200);

    const card = await until('the delivered card', async () => (await chat()).find((m) => m.from.is_bot && m.plain.includes('📦 Готово')), 180_000, () => `${start.output()}\n${sandbox.output()}`);
    expect(card.plain).toContain('SHOP-1');

    // Delivered means on the repository's main, not just said on the card.
    const { stdout: log } = await run('git', ['--git-dir', bareRepo, 'log', '--format=%s', 'main']);
    expect(log).toContain('SHOP-1');
    const { stdout: files } = await run('git', ['--git-dir', bareRepo, 'show', 'main:cart.js']);
    expect(files).toContain('wishlistCount');

    // Every bot message reads in Russian: what Conveyor wrote, not what people and agents wrote (the
    // title, the BRD excerpt between the approval's heading and its decision line, the reviewer's
    // must-fix text after its label).
    const botText = (await chat())
      .filter((m) => m.from.is_bot)
      .map((m) => (m.messageId === approval.messageId ? [m.plain.split('\n')[0], m.plain.split('\n').at(-1)].join('\n') : m.plain))
      .join('\n')
      .replaceAll('Add a wishlist count', '…')
      .replace(/(последнее замечание|исправить): .*$/gm, '$1: …');
    expect(botText).toContain('откаты 1/3');
    expect(botText).toContain('✅ Подтверждено: Alice');
    expect(englishWords(botText), await story()).toEqual([]);
    expect(start.output()).not.toContain(value('TELEGRAM_BOT_TOKEN'));

    start.child.kill('SIGTERM');
    expect(await start.exited).toBe(0);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  }, 360_000);
});
