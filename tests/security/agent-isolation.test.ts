/**
 * Issue 8 §1: an agent must not reach Conveyor's secrets. A real `conveyor start` (its own
 * process, configured through its environment and a `.env`, talking to the Bot API sandbox) runs
 * an analyst that probes everything it should not reach: the environment of its ancestors and of
 * every process (/proc/<pid>/environ), the database and its directory, `.env`, the mirrors, run
 * logs, and the worktree and task file of another task. It writes what it found into its BRD,
 * which Conveyor commits and pushes; the test reads it from the remote.
 *
 * With `agentRunner: { type: 'process', user: '1001:1001' }` it finds nothing; the same agent
 * without `user` finds the canary (the probe works, so the first assertion can fail).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canSwitchUser } from '../../app/agent-isolation.ts';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { createGitRemote, git, type GitRemote } from '../support/git-fixtures.ts';

const REPO_ROOT = join(import.meta.dirname, '../..');
const CHAT = -1007000000001;
const ALICE = { id: 111, first_name: 'Alice' };
const switchable = canSwitchUser();
if (!switchable) process.stdout.write('agent-isolation: skipped, this process has neither root nor CAP_SETUID/CAP_SETGID/CAP_CHOWN\n');

const roots: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** The probe, with the canary split in two so the script itself never matches it. */
function probeScript(root: string, canary: string): string {
  const half = canary.length / 2;
  return `#!/bin/sh
CANARY="${canary.slice(0, half)}""${canary.slice(half)}"
ROOT='${root}'
mkdir -p "$ORCH_ARTIFACTS_DIR"
out="$ORCH_ARTIFACTS_DIR/01-brd.md"
{
  echo "# Probe of $ORCH_TASK_ID"
  echo "identity: uid $(id -u) gid $(id -g) groups $(id -G)"
  pid=$$
  while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
    if tr '\\0' '\\n' < "/proc/$pid/environ" 2>/dev/null | grep -q "$CANARY"; then echo "FOUND in ancestor environ $pid"; fi
    pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
  done
  for f in /proc/[0-9]*/environ; do
    if tr '\\0' '\\n' < "$f" 2>/dev/null | grep -q "$CANARY"; then echo "FOUND in $f"; fi
  done
  for f in "$ROOT/.env" "$ROOT/data/conveyor.db" "$ROOT/data/conveyor.db-wal" "$ROOT/data/conveyor.db-shm" "$ROOT/data/work/mirrors/SHOP.git/config"; do
    if head -c 1 "$f" > /dev/null 2>&1; then echo "READABLE $f"; fi
  done
  for d in "$ROOT" "$ROOT/data" "$ROOT/data/work" "$ROOT/data/work/logs" "$ROOT/data/work/mirrors" "$ROOT/data/work/runs" "$ROOT/data/work/worktrees/SHOP"; do
    if ls "$d" > /dev/null 2>&1; then echo "LISTABLE $d"; fi
  done
  for t in SHOP-1 SHOP-2; do
    [ "$t" = "$ORCH_TASK_ID" ] && continue
    for f in "$ROOT/data/work/worktrees/SHOP/$t/secret-of-task.txt" "$ROOT/data/work/worktrees/SHOP/$t/README.md" "$ROOT/data/work/runs/$t/analyst-1.task.md" "$ROOT/data/work/logs/$t/analyst-1.log"; do
      if head -c 1 "$f" > /dev/null 2>&1; then echo "READABLE $f"; fi
    done
  done
  grep -rl "$CANARY" "$ROOT" 2>/dev/null | sed 's/^/FOUND in file /'
  head -c 1 "$ORCH_TASK_FILE" > /dev/null 2>&1 && echo "own task file: readable"
  head -c 1 "$ORCH_PROMPT_FILE" > /dev/null 2>&1 && echo "own prompt file: readable"
  echo "probe done"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "secret of $ORCH_TASK_ID" > secret-of-task.txt
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs `conveyor start` with canaries in its environment and `.env`; `ask` sends /new and returns the probe of that task. */
interface Run {
  /** `/new` in the chat; resolves with the probe the task's analyst pushed. */
  readonly ask: (taskId: string) => Promise<string>;
  /** A file of the task branch on the remote, or null. */
  readonly pushed: (taskId: string, file: string) => Promise<string | null>;
  readonly output: () => string;
}

async function withConveyor(agentRunner: Record<string, unknown>, body: (run: Run) => Promise<void>): Promise<void> {
  const canary = `canary${randomBytes(12).toString('hex')}`;
  const token = `424242:${canary}`;
  const root = mkdtempSync(join(tmpdir(), 'conveyor-isolation-'));
  roots.push(root);
  // The operator's part: the path to the workdir lets other users through, nothing more.
  chmodSync(root, 0o711);
  mkdirSync(join(root, 'agents'));
  chmodSync(join(root, 'agents'), 0o755);
  writeFileSync(join(root, 'agents', 'probe.sh'), probeScript(root, canary), { mode: 0o755 });
  writeFileSync(join(root, '.env'), `GITEA_WEBHOOK_SECRET=${canary}-gitea\n`, { mode: 0o644 });
  const sandbox = await startTelegramSandbox({ token });
  let remote: GitRemote | null = null;
  try {
    remote = await createGitRemote('shop');
    await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
    const port = await freePort();
    const projects = {
      projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: remote.remote, chatId: CHAT, approvers: [ALICE.id], agents: { default: `sh ${join(root, 'agents', 'probe.sh')}` }, agentRunner, stages: ['analysis', 'development'] }],
    };
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/conveyor.js'), 'start'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: root,
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: sandbox.apiRoot,
        ORCH_DB_PATH: join(root, 'data', 'conveyor.db'),
        ORCH_WORKDIR: join(root, 'data', 'work'),
        ORCH_PROJECTS_JSON: JSON.stringify(projects),
        ORCH_HTTP_PORT: String(port),
        ORCH_MAX_CONCURRENCY: '1',
        ORCH_LOG_LEVEL: 'info',
      },
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const health = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    await waitFor(async () => (await health()) === 200, 60_000, () => `never healthy:\n${output}`);
    const origin = remote.remote;
    const pushed = (taskId: string, file: string) => git(origin, ['show', `task/${taskId}:${file}`]).catch(() => null);
    const ask = async (taskId: string): Promise<string> => {
      await sandbox.postMessage({ chatId: CHAT, chatType: 'supergroup', from: ALICE, text: `/new SHOP Probe ${taskId}` });
      const brd = `docs/work-items/${taskId}/01-brd.md`;
      await waitFor(async () => (await pushed(taskId, brd)) !== null, 90_000, () => `no probe from ${taskId}:\n${output}`);
      return (await pushed(taskId, brd)) ?? '';
    };
    await body({ ask, pushed, output: () => output });
    expect(output).not.toContain(canary);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    await sandbox.close();
    await remote?.cleanup();
  }
}

describe.skipIf(!switchable)('agent isolation (process runner)', () => {
  it('an agent running as 1001:1001 finds no canary and reads nothing of Conveyor or of another task', async () => {
    await withConveyor({ type: 'process', user: '1001:1001' }, async ({ ask, pushed, output }) => {
      const first = await ask('SHOP-1');
      const second = await ask('SHOP-2');
      for (const probe of [first, second]) {
        expect(probe).toContain('probe done');
        expect(probe).toContain('identity: uid 1001 gid 1001 groups 1001');
        expect(probe).toContain('own task file: readable');
        expect(probe).toContain('own prompt file: readable');
        expect(probe).not.toMatch(/FOUND|READABLE|LISTABLE/);
      }
      // What the agent left in its worktree (files of another uid) is committed and pushed.
      expect(await pushed('SHOP-1', 'secret-of-task.txt')).toBe('secret of SHOP-1');
      expect(output()).not.toContain("run as Conveyor's own user");
    });
  });

  it('the same agent running as Conveyor itself finds the canary (the probe works)', async () => {
    await withConveyor({ type: 'process' }, async ({ ask, output }) => {
      const probe = await ask('SHOP-1');
      expect(probe).toContain('probe done');
      expect(probe).toMatch(/FOUND in ancestor environ/);
      expect(probe).toMatch(/READABLE .*conveyor\.db/);
      expect(output()).toContain("agents of project SHOP run as Conveyor's own user and can read its secrets");
    });
  });
});
