/**
 * `conveyor sandbox`: the stand-ins it runs are enough for a passing `conveyor doctor` with the
 * printed variables, the printed control route posts as a user, and the command stops on SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../app/sandbox-command.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/conveyor.js');

describe('conveyor sandbox', () => {
  it('prints variables that make `conveyor doctor` pass, and a working way to post as a user', async () => {
    const sandbox = await startSandbox({ listenerUrl: 'http://127.0.0.1:18080', env: { PATH: process.env.PATH } });
    try {
      expect(sandbox.text).toContain(`TELEGRAM_API_ROOT=${sandbox.world.telegram.apiRoot}`);
      expect(sandbox.text).toContain('GITEA_WEBHOOK_SECRET=');
      expect(sandbox.env.ORCH_HTTP_PORT).toBe('18080');
      const { stdout } = await run('node', [BIN, 'doctor'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...sandbox.env }, timeout: 60_000 });
      expect(stdout).toContain('all checks passed');
      expect(stdout).toContain('chat -1001234567890 (Shop delivery) reachable');
      // The printed curl line, as fetch.
      const curl = /curl -s -X POST (\S+\/control\/messages) -H 'content-type: application\/json' -d '([^']+)'/.exec(sandbox.text);
      if (!curl?.[1] || !curl[2]) throw new Error(sandbox.text);
      const posted = await fetch(curl[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl[2] });
      expect(posted.status).toBe(200);
      const chat = (await (await fetch(`${sandbox.world.telegram.apiRoot}/control/chats/-1001234567890`)).json()) as { messages: { text: string }[] };
      expect(chat.messages.map((m) => m.text)).toContain('/new SHOP Add a wishlist count');
    } finally {
      await sandbox.close();
    }
  }, 90_000);

  it('runs from the CLI until SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--listener', 'http://127.0.0.1:18081'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!output.includes('Press a button') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('ORCH_HTTP_PORT=18081');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('sandbox stopped');
  }, 60_000);
});
