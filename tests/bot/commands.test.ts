/**
 * Chat commands end to end over HTTP: the command list is published at start; /new, /queue,
 * /status, /retry of an escalated task, /reconcile and /reconcile dry for admins (refused to
 * others), unknown commands get the help text, and people or chats the projects file does not
 * name get no answer at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxMessage, SandboxUser } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { COMMANDS } from '../../bot/telegram/commands.ts';
import {
  ALICE,
  approvalMessage,
  BOB,
  MALLORY,
  OTHER_CHAT_ID,
  pressButton,
  startBotHarness,
  type BotHarness,
} from '../support/bot-harness.ts';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({
    env: { ORCH_MAX_DEVELOPER_RETRIES: '0' },
    // CI passes only once the developer has run a second time.
    agents: {
      developer:
        'echo "change $ORCH_ATTEMPT" >> src/app.txt\nif [ "$ORCH_ATTEMPT" -ge 2 ]; then echo ok > fixed.txt; fi\n',
    },
    ciCommand: 'test -f fixed.txt',
  });
  await h.start();
});
afterAll(async () => h.close());

/** Post `text` and return the first bot message after it that `match`es. */
async function ask(
  from: SandboxUser,
  text: string,
  match: (m: SandboxMessage) => boolean = () => true,
): Promise<SandboxMessage> {
  const posted = await h.say(from, text);
  return h.waitFor(
    async () =>
      (await h.messages()).find(
        (m) => m.from.is_bot && m.messageId > posted.messageId && !isCard(m) && match(m),
      ),
    `an answer to ${text}`,
  );
}

/** The task's live card (edit mode: one message), as opposed to a /status reply showing the same. */
function isCard(m: SandboxMessage): boolean {
  const row = h.app.store.sqlite
    .prepare('SELECT message_id AS id FROM cards WHERE task_id = ?')
    .get('SHOP-1') as { id: number } | undefined;
  return m.messageId === row?.id;
}

const help = (m: SandboxMessage) => m.plain.startsWith('Conveyor takes agent tasks');

describe('commands', () => {
  it('publishes the command list at start', async () => {
    const sets = await h.sandbox.commands();
    expect(sets).toHaveLength(1);
    expect(sets[0]!.commands.map((c) => c.command)).toEqual(COMMANDS.map((c) => c.command));
    expect(sets[0]!.commands.map((c) => c.command)).toEqual([
      'new',
      'queue',
      'status',
      'retry',
      'cancel',
      'reconcile',
      'help',
    ]);
  });

  it('answers nobody outside the configured chats and people', async () => {
    const before = (await h.messages()).length;
    await h.say(MALLORY, '/new SHOP Let me in');
    await h.say(MALLORY, '/help');
    await h.say(ALICE, '/help', OTHER_CHAT_ID);
    await h.say(ALICE, '/queue', OTHER_CHAT_ID);
    // Updates of one chat are handled in order: once Alice's /help is answered, Mallory's were handled.
    const answer = await ask(ALICE, '/help', help);
    const after = (await h.messages()).slice(before);
    expect(after.filter((m) => m.from.is_bot).map((m) => m.messageId)).toEqual([answer.messageId]);
    await new Promise((r) => setTimeout(r, 200)); // the other chat's updates were taken in the same batch
    expect((await h.messages(OTHER_CHAT_ID)).filter((m) => m.from.is_bot)).toEqual([]);
    expect(
      (await h.sandbox.requests()).filter((r) => r.chatId === OTHER_CHAT_ID && r.method !== 'getUpdates'),
    ).toEqual([]);
    expect(h.app.store.sqlite.prepare('SELECT COUNT(*) AS n FROM tasks').get()).toEqual({ n: 0 });
  });

  it('/new creates a task, or explains its usage', async () => {
    expect((await ask(ALICE, '/new')).plain).toBe('Usage: /new <project> <title> — projects here: SHOP');
    expect((await ask(ALICE, '/new NOPE Something')).plain).toBe(
      'Usage: /new <project> <title> — projects here: SHOP',
    );
    const created = await ask(ALICE, '/new SHOP Add wishlist button');
    expect(created.plain).toBe('🧩 SHOP-1 created; its card follows.');
    expect(created.silent).toBe(true);
    expect(await h.task('SHOP-1')).toMatchObject({ title: 'Add wishlist button', source: 'chat' });
  });

  it('/status shows the card as it is now; an unknown id is said to be unknown', async () => {
    await approvalMessage(h, 'SHOP-1');
    const status = await ask(ALICE, '/status shop-1', (m) => m.plain.startsWith('🧩 SHOP-1'));
    expect(status.text).toBe(await h.expectedCard('SHOP-1'));
    // Alice has spoken in the chat, Bob not yet: he is shown by id.
    expect(status.plain).toContain('waiting for: BRD approval by Alice or 222');
    expect((await ask(BOB, '/status NOPE-9')).plain).toBe('No task NOPE-9 in this chat.');
  });

  it('/queue shows agents, approvals waiting (by name), stages and the reconciler', async () => {
    const queue = await ask(BOB, '/queue');
    const lines = queue.plain.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '🚦 Queue — 0/2 agents busy',
      '📝 SHOP-1 · waiting for: BRD approval by Alice or Bob',
      'Stages: analysis 1 · development 0 · review 0 · testing 0 · staging 0 · deploy 0',
      '🔁 Reconciler: no pass yet',
    ]);
    // This process (ADR 0055): the one start, leading, running every kind of job.
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^🖥 Processes: 1 live · 👑 leader \S+:\d+:\S+$/),
      expect.stringMatching(/^• \S+:\d+:\S+ · start · all jobs · ♥ \d+ s ago · running 0$/),
    ]);
  });

  it('/reconcile runs a pass for admins, /reconcile dry only reports, others are refused', async () => {
    expect((await ask(BOB, '/reconcile')).plain).toBe('Only admins (ORCH_ADMIN_IDS) can run the reconciler.');
    expect((await ask(BOB, '/reconcile dry')).plain).toBe(
      'Only admins (ORCH_ADMIN_IDS) can run the reconciler.',
    );
    const dry = await ask(ALICE, '/reconcile dry');
    expect(dry.plain).toMatch(/^🔎 Reconcile dry run \(nothing changed\): examined \d+ in \d+ ms\n/);
    const pass = await ask(ALICE, '/reconcile');
    expect(pass.plain).toMatch(/^🔁 Reconcile pass: examined \d+ in \d+ ms\nNothing to unblock\./);
  });

  it('answers an unknown command with the help text', async () => {
    const answer = await ask(BOB, '/frobnicate now', help);
    expect(answer.plain).toContain('/retry <ID> — run an escalated task again');
  });

  it('/retry runs an escalated task again, for approvers only', async () => {
    const approval = await approvalMessage(h, 'SHOP-1');
    await pressButton(h, ALICE, approval.messageId, 'Approve');
    const escalation = await h.waitFor(
      async () =>
        (await h.messages()).find((m) => m.from.is_bot && m.plain.startsWith('🆘 SHOP-1 needs a person')),
      'the escalation message',
    );
    expect(escalation.silent).toBe(false);
    expect(escalation.plain).toContain('/retry SHOP-1');
    expect(await h.task('SHOP-1')).toMatchObject({ stage: 'development', escalated: true });

    const before = (await h.messages()).length;
    await h.say(MALLORY, '/retry SHOP-1');
    const retried = await ask(BOB, '/retry SHOP-1', (m) => m.plain.startsWith('🔁'));
    expect(retried.plain).toBe('🔁 SHOP-1: counter reset, running the stage again.');
    expect(
      (await h.messages())
        .slice(before)
        .filter((m) => m.from.is_bot && !isCard(m))
        .map((m) => m.messageId),
    ).toEqual([retried.messageId]);
    await h.waitFor(async () => (await h.task('SHOP-1'))?.stage === 'done', 'SHOP-1 to be done after the retry');
    expect(await h.task('SHOP-1')).toMatchObject({ escalated: false, attempts: { analyst: 1, developer: 2 } });
    // Only the approval request and the escalation notified anyone.
    expect((await h.messages()).filter((m) => m.from.is_bot && !m.silent).map((m) => m.messageId)).toEqual([
      approval.messageId,
      escalation.messageId,
    ]);
    expect((await h.sandbox.requests()).filter((r) => r.status === 400)).toEqual([]); // no call the Bot API refused
  });
});

describe('/cancel', () => {
  it('stops a task for good, for approvers only, and closes its pending approval', async () => {
    const created = await ask(ALICE, '/new SHOP Throwaway idea', (m) => m.plain.includes('created'));
    const id = /🧩 (SHOP-\d+) created/.exec(created.plain)?.[1];
    expect(id).toBeDefined();
    const approval = await approvalMessage(h, id!);
    const cancelled = await ask(BOB, `/cancel ${id!} not needed after all`, (m) => m.plain.startsWith('✖️'));
    expect(cancelled.plain).toBe(`✖️ ${id!} cancelled: no more agent runs; its worktree is removed, the branch stays.`);
    expect(await h.task(id!)).toMatchObject({ stage: 'cancelled', phase: 'idle' });
    // The approval message loses its buttons and says who closed it and why.
    const closed = await h.waitFor(
      async () => (await h.messages()).find((m) => m.messageId === approval.messageId && m.buttons.length === 0),
      'the approval message without buttons',
    );
    expect(closed.plain).toContain('❌ Rejected by Bob');
    expect(closed.plain).toContain('not needed after all');
    // Cancelled is final: a retry is refused.
    const retry = await ask(BOB, `/retry ${id!}`, (m) => m.plain.startsWith('Not done'));
    expect(retry.plain).toBe(`Not done: ${id!} is cancelled`);
  });
});
