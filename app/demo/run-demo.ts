/**
 * The offline demo: the real orchestrator (store, engine, queue, workers, git worktrees, agent
 * processes, local CI) and the real Telegram bot, talking to the local Bot API sandbox through
 * TELEGRAM_API_ROOT exactly as it would talk to Telegram. Alice types `/new` in the group and
 * presses ✅ Approve on the BRD; scripted agents do the work; the reviewer requests changes once,
 * so a rollback carrying its must-fix text happens. No token, no servers, no network.
 * Exits non-zero unless the task reaches done.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { createApp } from '../compose.ts';
import { buildTelegram, type TelegramSide } from '../telegram.ts';
import { seedDemoRepository } from './seed-repo.ts';
import { printSummary } from './summary.ts';
import { renderTranscript } from './transcript.ts';

const AGENTS = fileURLToPath(new URL('./agents/', import.meta.url));
const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };
const CHAT = { id: -1001234567890, type: 'supergroup' as const, title: 'Shop delivery' };
const TOKEN = '123456789:DEMO-sandbox-token-not-a-secret';

export interface DemoResult {
  readonly ok: boolean;
  readonly taskId: string | null;
  readonly dbPath: string;
  readonly root: string;
  /** The chat as its members saw it, at the end. */
  readonly transcript: string;
}

export interface DemoOptions {
  readonly root?: string;
  readonly timeoutMs?: number;
  readonly write?: (text: string) => void;
  readonly env?: Record<string, string | undefined>;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'conveyor-demo-'));
  const remote = seedDemoRepository(root);
  const sandbox = await startTelegramSandbox({ token: TOKEN, botUsername: 'conveyor_demo_bot', botName: 'Conveyor' });
  await sandbox.registerChat(CHAT);
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: sandbox.apiRoot,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_AGENT_TIMEOUT_S: '60',
    ORCH_MAX_DEVELOPER_RETRIES: '3',
    ORCH_ADMIN_IDS: String(ALICE.id),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_LOG_LEVEL: 'warn',
  });
  const project = demoProject(remote);
  const logger = createLogger({ level: config.logLevel, secrets: [TOKEN] });
  let telegram: TelegramSide | null = null;
  const app = createApp({
    config,
    projects: [project],
    logger,
    env: options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG },
    notifier: (parts) => {
      telegram = buildTelegram(parts, { config, logger, clock: systemClock });
      return telegram.notifier;
    },
    pollMs: 100,
    leaseMs: 15_000,
  });
  const side = telegram as TelegramSide | null;
  if (!side) throw new Error('the Telegram side was not built');
  write(`Conveyor offline demo\n  repository:   ${remote}\n  database:     ${config.dbPath}\n  Telegram API: ${sandbox.apiRoot} (local Bot API sandbox, Telegram's rate limits)\n\n`);

  const seen: { taskId: string | null; finalStage: string | null; summary: string } = { taskId: null, finalStage: null, summary: '' };
  try {
    await side.runtime.start();
    app.start();
    const text = '/new SHOP Add wishlist count to the cart';
    await sandbox.postMessage({ chatId: CHAT.id, chatType: CHAT.type, chatTitle: CHAT.title, from: ALICE, text });
    write(`Alice: ${text}\n`);
    const id = await waitFor(() => latestTaskId(app.store), 30_000);
    seen.taskId = id;
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    const pressed = new Set<number>();
    while (Date.now() < deadline) {
      const task = getTask(app.store.db, id);
      if (!task || task.stage === 'done' || task.stage === 'cancelled' || task.escalated) break;
      await pressApprove(sandbox, pressed, write);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let the final card state reach the chat (the pacer keeps Telegram's limits).
    await app.drain.drainOnce();
    await app.drain.drainOnce();
    seen.finalStage = getTask(app.store.db, id)?.stage ?? null;
    printSummary(app.store, id, join(root, 'work'), (t) => void (seen.summary += t));
  } finally {
    await side.runtime.stop();
    await app.stop(5_000);
  }
  const ok = seen.finalStage === 'done';
  const transcript = renderTranscript((await sandbox.chat(CHAT.id))?.messages ?? [], 'Conveyor');
  await sandbox.close();
  write(`\nThe chat "${CHAT.title}" as its members see it:\n${transcript}${seen.summary}`);
  write(`\n${ok ? '✅ task reached done' : `❌ task did not reach done (${seen.finalStage ?? 'no task'})`}\nInspect the database: sqlite3 ${config.dbPath} 'select * from transitions'\n`);
  return { ok, taskId: seen.taskId, dbPath: config.dbPath, root, transcript };
}

/** Alice presses ✅ on every approval message that still has buttons. */
async function pressApprove(sandbox: TelegramSandbox, pressed: Set<number>, write: (t: string) => void): Promise<void> {
  for (const m of (await sandbox.chat(CHAT.id))?.messages ?? []) {
    const approve = m.buttons.flat().find((b) => b.text.includes('Approve'));
    if (!approve?.callback_data || pressed.has(m.messageId) || m.deleted) continue;
    pressed.add(m.messageId);
    const result = await sandbox.press({ chatId: CHAT.id, messageId: m.messageId, from: ALICE, data: approve.callback_data });
    write(`Alice presses ${approve.text} on message #${m.messageId} → ${result.text ?? '(no answer)'}\n`);
  }
}

function latestTaskId(store: ReturnType<typeof createApp>['store']): string | null {
  const row = store.sqlite.prepare('SELECT id FROM tasks ORDER BY created_at DESC LIMIT 1').get() as { id: string } | undefined;
  return row?.id ?? null;
}

async function waitFor<T>(probe: () => T | null, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('demo: the bot did not create the task in time');
}

function demoProject(remote: string): ProjectConfig {
  const sh = (role: string) => `sh "${join(AGENTS, `${role}.sh`)}"`;
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: 'SHOP',
          repo: 'demo/shop',
          cloneUrl: remote,
          defaultBranch: 'main',
          chatId: CHAT.id,
          approvers: [ALICE.id],
          ciCommand: 'node test.js',
          agents: { analyst: sh('analyst'), developer: sh('developer'), reviewer: sh('reviewer'), tester: sh('tester') },
          stages: ['analysis', 'development', 'review', 'testing'],
        },
      ],
    }),
    'demo project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const project = parsed.projects[0];
  if (!project) throw new Error('demo project missing');
  return project;
}
