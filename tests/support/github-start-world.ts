/**
 * A GitHub-only team, as processes: a real `conveyor start` child configured with TELEGRAM_* and
 * GITHUB_* only (no GITEA_*, no PLANE_*), the Bot API sandbox, and the demo's GitHub
 * (app/demo/demo-github.ts: the GitHub stand-in over a real bare repository, signed webhooks, an
 * Actions job reporting check runs on every task-branch push). Issues labelled `agent` are the
 * tracker. Tests read the child's database read-only, as an operator would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pressApprove } from '../../app/demo/demo-steps.ts';
import { githubDemoProjectEntry, startGithubScene, type GithubScene } from '../../app/demo/demo-scene-github.ts';
import { CHAT, REPO } from '../../app/demo/demo-world.ts';
import { seedDemoRepository } from '../../app/demo/seed-repo.ts';
import type { GhRepo } from '../../adapters/sandbox/github/github-standin-model.ts';
import { queryDb, waitFor } from './conveyor-harness.ts';
import { spawnConveyorStart, type StartedConveyor } from './start-process.ts';

/** What a test sets up differently. */
export interface GithubStartSetup {
  /** Project fields over the demo project's (e.g. other `agents`). */
  readonly project?: Record<string, unknown>;
  /** Webhook events GitHub loses on the way. */
  readonly drop?: readonly string[];
  /** What GitHub Actions runs on each task-branch push (default `node test.js`). */
  readonly ciCommand?: string;
  /** More variables for `conveyor start`. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface GithubStartWorld {
  readonly root: string;
  readonly remote: string;
  readonly scene: GithubScene;
  readonly repo: GhRepo;
  readonly conveyor: StartedConveyor;
  /** The variables `conveyor start` got. */
  readonly env: Readonly<Record<string, string>>;
  query<T>(sql: string, ...params: unknown[]): T[];
  /** A task's stage, phase and flags from the child's database. */
  task(id: string): { stage: string; phase: string; escalated: number; head_sha: string | null; source: string; external_id: string | null } | undefined;
  /** Alice presses ✅ on every approval still open, until `done` holds (or the time is up). */
  approveUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** The chat's messages as plain text. */
  chat(): Promise<string[]>;
  close(): Promise<void>;
}

/** Seeds the demo repository, starts the sandbox and GitHub, spawns `conveyor start`, waits for /healthz. */
export async function startGithubWorld(setup: GithubStartSetup = {}): Promise<GithubStartWorld> {
  const root = mkdtempSync(join(tmpdir(), 'conveyor-github-start-'));
  const remote = seedDemoRepository(root);
  const agentEnv = { PATH: process.env.PATH, HOME: root };
  const scene = await startGithubScene(remote, null, agentEnv, { ...(setup.drop ? { drop: setup.drop } : {}), ...(setup.ciCommand ? { ciCommand: setup.ciCommand } : {}) });
  const projects = { projects: [githubDemoProjectEntry(remote, setup.project)] };
  const env = {
    ...scene.env,
    HOME: root,
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_PROJECTS_JSON: JSON.stringify(projects),
    ORCH_AGENT_TIMEOUT_S: '60',
    ...setup.env,
  };
  const conveyor = await spawnConveyorStart(env);
  scene.connect(conveyor.url);
  const close = async () => {
    await conveyor.stop();
    if (conveyor.child.exitCode === null) conveyor.child.kill('SIGKILL');
    await scene.close();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await conveyor.health()).status === 200, 60_000, () => `conveyor start never became healthy:\n${conveyor.output()}`);
  } catch (error) {
    await close();
    throw error;
  }
  const repo = scene.github.standin.state.repo(REPO);
  if (!repo) throw new Error('no repository on the GitHub stand-in');
  const query = <T>(sql: string, ...params: unknown[]): T[] => queryDb<T>(env.ORCH_DB_PATH, sql, ...params);
  const pressed = new Set<number>();
  return {
    root,
    remote,
    scene,
    repo,
    conveyor,
    env,
    query,
    task: (id) => query<{ stage: string; phase: string; escalated: number; head_sha: string | null; source: string; external_id: string | null }>('SELECT stage, phase, escalated, head_sha, source, external_id FROM tasks WHERE id = ?', id)[0],
    async approveUntil(done, timeoutMs, what) {
      await waitFor(
        async () => {
          await pressApprove(scene.telegram, pressed, () => undefined);
          return done();
        },
        timeoutMs,
        () => `${what}\n${conveyor.output().slice(-4000)}`,
      );
    },
    chat: async () => ((await scene.telegram.chat(CHAT.id))?.messages ?? []).map((m) => m.plain),
    close,
  };
}
