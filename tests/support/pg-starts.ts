/**
 * Several real `conveyor start` processes on one private PostgreSQL database and one Telegram
 * sandbox, for the multi-process suites (issue 12). Call inside a `describePostgres` body: it
 * registers the cluster, the database, the sandbox and its chat in `beforeAll`, and SIGKILLs any
 * start still running, closes the sandbox and stops the cluster in `afterAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RegisterChatInput } from '../../adapters/sandbox/telegram/sandbox-types.ts';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { waitFor } from './conveyor-harness.ts';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';
import { spawnConveyorStart, type StartedConveyor } from './start-process.ts';

export interface PgStartsOptions {
  /** Names the temp folder and the database. */
  readonly name: string;
  readonly token: string;
  /** The project's chat, registered in the sandbox. */
  readonly chat: RegisterChatInput;
  /** The projects file; gets the test's folder (e.g. for a clone URL that is never used). */
  readonly projects: (dir: string) => unknown;
  /** Environment every start gets besides the database, the bot and the projects. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface PgStarts {
  /** The database's URL (after `beforeAll`). */
  url(): string;
  sandbox(): TelegramSandbox;
  /** Spawn a start with its own ORCH_WORKDIR; resolves once it said `conveyor started`. */
  start(name: string): Promise<StartedConveyor>;
}

export function pgStarts(binDir: string, options: PgStartsOptions): PgStarts {
  let dir: string | null = null; // made in beforeAll: a skipped suite still runs this function
  let cluster: PgCluster | null = null;
  let url: string | null = null;
  let sandbox: TelegramSandbox | null = null;
  const running: StartedConveyor[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `conveyor-pg-${options.name}-`));
    cluster = await startPgCluster(binDir, { fast: true });
    url = await cluster.createDatabase(options.name.replace(/\W/g, '_'));
    sandbox = await startTelegramSandbox({ token: options.token });
    await sandbox.registerChat(options.chat);
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await sandbox?.close();
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const need = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`${what} is not ready (beforeAll has not run)`);
    return value;
  };

  return {
    url: () => need(url, 'the database'),
    sandbox: () => need(sandbox, 'the Telegram sandbox'),
    async start(name) {
      const home = need(dir, 'the test folder');
      const s = await spawnConveyorStart({
        HOME: home,
        TELEGRAM_BOT_TOKEN: options.token,
        TELEGRAM_API_ROOT: need(sandbox, 'the Telegram sandbox').apiRoot,
        ORCH_DATABASE_URL: need(url, 'the database'),
        ORCH_WORKDIR: join(home, `work-${name}`),
        ORCH_PROJECTS_JSON: JSON.stringify(options.projects(home)),
        ...options.env,
      });
      running.push(s);
      await waitFor(() => /conveyor started/.test(s.output()) || s.child.exitCode !== null, 60_000, () => s.output());
      expect(s.child.exitCode, s.output()).toBeNull();
      return s;
    },
  };
}
