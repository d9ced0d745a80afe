/**
 * Fault: Conveyor acknowledges webhooks (2xx) and is SIGKILLed before it processes them. The rows
 * were committed before the answer, so after a restart on the same database the processor takes
 * them up: the task is created and then blocked, in delivery order, each exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, planeHeaders } from '../http/webhook-harness.ts';
import { IDS, TASK, fixtureText } from '../inbound/inbound-harness.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(REPO_ROOT, 'tests/support/listener-process.ts');
const root = mkdtempSync(path.join(tmpdir(), 'conveyor-webhook-kill-'));
const dbPath = path.join(root, 'conveyor.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

async function startListener(processor: 'on' | 'off'): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LP_DB_PATH: dbPath,
      LP_WORKDIR: path.join(root, 'work'),
      LP_PROCESSOR: processor,
    },
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 20_000;
  while (!/ready (\d+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`listener process did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, port: Number(/ready (\d+)/.exec(out)![1]), exited, output: () => out };
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('SIGKILL after the 2xx, before processing', () => {
  it('processes the acknowledged deliveries after a restart, in order, once', async () => {
    const first = await startListener('off');
    const created = fixture('plane-issue-created');
    const blocked = fixtureText('plane-issue-updated-state', (b) => {
      b.data.state = { id: 'blocked-id', name: 'Blocked', color: '#f00', group: 'started' };
      b.activity.new_value = 'blocked-id';
    });
    const send = (body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${first.port}/webhooks/plane`, { method: 'POST', body, headers }).then(
        async (r) => [r.status, ((await r.json()) as { status: string }).status],
      );
    expect(await send(created.text, created.headers)).toEqual([200, 'accepted']);
    expect(await send(blocked, planeHeaders(blocked, 'blocked-delivery'))).toEqual([200, 'accepted']);

    // Acknowledged means committed: the rows are there, unprocessed, and nothing happened yet.
    expect(query<{ processed_at: number | null }>('SELECT processed_at FROM inbox ORDER BY id')).toEqual([
      { processed_at: null },
      { processed_at: null },
    ]);
    expect(query('SELECT id FROM tasks')).toEqual([]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await startListener('on');
    const deadline = Date.now() + 15_000;
    while (query('SELECT id FROM inbox WHERE processed_at IS NULL').length > 0) {
      if (Date.now() > deadline) throw new Error(`not processed after restart:\n${second.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(query('SELECT id, external_id, blocked FROM tasks')).toEqual([
      { id: TASK, external_id: IDS.issue_SHOP_42, blocked: 1 },
    ]);
    expect(
      query<{ reason: string; event_key: string }>('SELECT reason, event_key FROM transitions ORDER BY id'),
    ).toEqual([
      { reason: 'task requested', event_key: `inbox:plane:${created.headers['X-Plane-Delivery']}` },
      { reason: 'blocked in the tracker', event_key: 'inbox:plane:blocked-delivery' },
    ]);
    expect(query('SELECT error FROM inbox WHERE error IS NOT NULL')).toEqual([]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.output()).toContain('stopped');
  });
});
