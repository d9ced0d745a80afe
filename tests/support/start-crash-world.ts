/**
 * A real `conveyor start` child process against the demo world's stand-ins (Bot API sandbox,
 * Gitea, Plane) on one database, started with or without ORCH_TEST_CRASH_AFTER, for the
 * crash-after-effect fault tests (tests/fault/effect-crash.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT, PLANE_PROJECT, REPO, startDemoWorld, type DemoWorld } from '../../app/demo/demo-world.ts';
import { WebhookLog } from '../../app/demo/webhook-log.ts';
import type { CrashEffect } from '../../core/fault/crash-point.ts';
import { createGitRemote, pushCommit, type GitRemote } from './git-fixtures.ts';
import { queryDb } from './conveyor-harness.ts';
import { freePort, startConveyorChild, type RunningConveyor } from './start-process.ts';

export const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };

const AGENTS = {
  analyst: 'mkdir -p "$ORCH_ARTIFACTS_DIR"\nprintf "# BRD\\n\\nSurvive the crash.\\n" > "$ORCH_ARTIFACTS_DIR/01-brd.md"\n',
  developer: 'mkdir -p src\necho "the change" > src/app.txt\n',
  reviewer: 'true\n',
  tester: 'true\n',
};

export type { RunningConveyor } from './start-process.ts';

export interface CrashWorldOptions {
  /** The analyst waits for {@link CrashWorld.releaseAnalyst} before it writes the BRD. */
  readonly holdAnalyst?: boolean;
  /** Files committed on main before Gitea starts (e.g. the `test.js` its CI runs). */
  readonly mainFiles?: Readonly<Record<string, string>>;
  /** Every start listens on one port, registered as Gitea's and Plane's webhook target. */
  readonly connect?: boolean;
}

export interface CrashWorld {
  readonly world: DemoWorld;
  readonly remote: GitRemote;
  readonly dir: string;
  /** Conveyor's listener, the same for every start when {@link CrashWorldOptions.connect} is set. */
  readonly listenerUrl: string;
  /** `env` is added to this start's environment (e.g. to turn the reconciler on). */
  start(crashAfter: CrashEffect | null, env?: Readonly<Record<string, string>>): Promise<RunningConveyor>;
  query<T>(sql: string, ...params: unknown[]): T[];
  /** Let a held analyst go on (see {@link CrashWorldOptions.holdAnalyst}). */
  releaseAnalyst(): void;
  close(): Promise<void>;
}

export async function startCrashWorld(options: CrashWorldOptions = {}): Promise<CrashWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-effect-crash-'));
  const remote = await createGitRemote('shop');
  if (options.mainFiles) await pushCommit(remote.remote, 'main', { ...options.mainFiles }, 'Add CI');
  const agentEnv = { PATH: process.env.PATH, HOME: dir };
  const world = await startDemoWorld(remote.remote, new WebhookLog(), agentEnv);
  mkdirSync(join(dir, 'agents'));
  const release = join(dir, 'release-analyst');
  const hold = `while [ ! -e "${release}" ]; do sleep 0.1; done\n`;
  const agents: Record<string, string> = {};
  for (const [role, body] of Object.entries(AGENTS)) {
    const held = role === 'analyst' && options.holdAnalyst ? hold : '';
    writeFileSync(join(dir, 'agents', `${role}.sh`), `set -e\n${held}${body}`);
    agents[role] = `sh "${join(dir, 'agents', `${role}.sh`)}"`;
  }
  const projects = {
    projects: [{ id: 'SHOP', repo: REPO, cloneUrl: remote.remote, defaultBranch: 'main', chatId: CHAT.id, approvers: [ALICE.id], plane: { projectId: PLANE_PROJECT }, agents, stages: ['analysis', 'development'] }],
  };
  const children: ChildProcess[] = [];
  const dbPath = join(dir, 'conveyor.db');
  const fixedPort = options.connect ? await freePort() : null;
  const listenerUrl = `http://127.0.0.1:${fixedPort ?? 0}`;
  if (options.connect) world.connect(listenerUrl);
  return {
    world,
    remote,
    dir,
    listenerUrl,
    async start(crashAfter, env = {}) {
      const started = await startConveyorChild(
        {
          ...world.env,
          PATH: process.env.PATH,
          HOME: dir,
          ORCH_DB_PATH: dbPath,
          ORCH_WORKDIR: join(dir, 'work'),
          ORCH_PROJECTS_JSON: JSON.stringify(projects),
          ORCH_HTTP_PORT: String(fixedPort ?? (await freePort())),
          ORCH_RECONCILE_ENABLED: 'false',
          ORCH_LOG_LEVEL: 'info',
          ...env,
          ...(crashAfter ? { ORCH_TEST_CRASH_AFTER: crashAfter } : {}),
        },
        30_000,
      );
      children.push(started.child);
      return started;
    },
    query: <T>(sql: string, ...params: unknown[]) => queryDb<T>(dbPath, sql, ...params),
    releaseAnalyst: () => writeFileSync(release, ''),
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await world.close();
      await remote.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
