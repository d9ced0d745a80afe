/**
 * A production deploy run by a real `conveyor start` (bin/conveyor.js) for fault tests: the
 * merge-phase harness brings a task through staging (a real image of the real Docker engine) to an
 * approved deploy with its deploy job queued, closes its store, and real Conveyor processes take
 * over the same database, work dir and git remote, talking to the Bot API sandbox. The hook is the
 * test's; `conveyorEnv()` is what every start gets (also written as a shell script, so a hook can
 * start Conveyor again the way an operator would).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTelegramSandbox, type TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { queryDb } from './conveyor-harness.ts';
import { RealImageStaging } from './deploy-world.ts';
import { mergePhaseHarness, type MergePhaseHarness } from './merge-phase-harness.ts';
import { freePort, startConveyorChild, type RunningConveyor } from './start-process.ts';

export const SANDBOX_CHAT = { id: -1009876543210, type: 'supergroup' as const, title: 'Deploys' };
const TOKEN = '987654321:deploy-start-sandbox-token';
const STAGES = ['analysis', 'development', 'review', 'testing', 'deploy-staging', 'deploy'];

export interface DeployStartWorld {
  readonly h: MergePhaseHarness;
  readonly telegram: TelegramSandbox;
  /** The task waiting for its approved deploy job. */
  readonly taskId: string;
  readonly dbPath: string;
  /** Where `restart.sh` (Conveyor started by a hook) writes its output and pid. */
  readonly restartLog: string;
  readonly restartPid: string;
  start(): Promise<RunningConveyor>;
  query<T>(sql: string, ...params: unknown[]): T[];
  botMessages(): Promise<{ plain: string; buttons: unknown[][] }[]>;
  close(): Promise<void>;
}

export interface DeployStartOptions {
  readonly docker: DockerPort;
  readonly dockerHost: string;
  readonly imageId: string;
  readonly stagingRepo: string;
  readonly prodRepo: string;
  readonly hook: string;
  readonly self?: boolean;
  /** Where `restart.sh`, its log and pid go (the hook must know the path before the world exists); the harness dir by default. */
  readonly restartDir?: string;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export async function deployStartWorld(options: DeployStartOptions): Promise<DeployStartWorld> {
  const telegram = await startTelegramSandbox({ token: TOKEN, botUsername: 'conveyor_deploy_bot', botName: 'Conveyor' });
  await telegram.registerChat(SANDBOX_CHAT);
  const deploy = {
    image: options.prodRepo,
    hook: options.hook,
    health: { command: 'true', successes: 2, timeoutS: 30 },
    approvers: [222, 111],
    self: options.self ?? false,
    timeoutS: 120,
  };
  const h = await mergePhaseHarness({
    stages: STAGES,
    ciCommand: 'true',
    staging: new RealImageStaging(options.docker, options.imageId, options.stagingRepo),
    docker: options.docker,
    dockerHost: options.dockerHost,
    deploy,
    project: { chatId: SANDBOX_CHAT.id },
  });
  const taskId = await h.taskPassingTests(1, { 'src/app.ts': 'export const v = 1;\n' });
  const staged = await h.runJob('staging');
  if (staged?.type !== 'done') throw new Error(`staging: ${JSON.stringify(staged)}`);
  const approval = h.store.sqlite.prepare(`SELECT id FROM approvals WHERE task_id = ? AND gate = 'deploy' AND state = 'pending'`).get(taskId) as { id: string } | undefined;
  if (!approval) throw new Error('no deploy approval');
  await h.handle({ type: 'ApprovalDecided', key: `decide:${approval.id}`, taskId, approvalId: approval.id, decision: 'approve', actor: 'telegram:222:Bob' });
  h.store.close();

  const dbPath = join(h.dir, 'c.db');
  const project = {
    id: 'SHOP',
    repo: 'acme/shop',
    cloneUrl: h.git.remote,
    chatId: SANDBOX_CHAT.id,
    approvers: [111, 222],
    agents: { default: 'true' },
    stages: STAGES,
    ciCommand: 'true',
    staging: { health: { command: 'true' } },
    deploy,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: h.dir,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ORCH_DB_PATH: dbPath,
    ORCH_WORKDIR: join(h.dir, 'work'),
    ORCH_PROJECTS_JSON: JSON.stringify({ projects: [project] }),
    ORCH_RECONCILE_ENABLED: 'false',
    ORCH_LOG_LEVEL: 'info',
    DOCKER_HOST: options.dockerHost,
  };
  const repoRoot = join(import.meta.dirname, '../..');
  const restartDir = options.restartDir ?? h.dir;
  const restartLog = join(restartDir, 'restarted.log');
  const restartPid = join(restartDir, 'restarted.pid');
  const port = await freePort();
  // `restart.sh`: start Conveyor detached with the same settings, as a self-deploy hook would.
  writeFileSync(
    join(restartDir, 'restart.sh'),
    [
      ...Object.entries({ ...env, ORCH_HTTP_PORT: String(port) }).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
      `cd ${shellQuote(repoRoot)}`,
      `setsid ${shellQuote(process.execPath)} bin/conveyor.js start > ${shellQuote(restartLog)} 2>&1 < /dev/null &`,
      `echo $! > ${shellQuote(restartPid)}`,
      '',
    ].join('\n'),
  );
  const children: ChildProcess[] = [];
  return {
    h,
    telegram,
    taskId,
    dbPath,
    restartLog,
    restartPid,
    async start() {
      const started = await startConveyorChild({ ...env, ORCH_HTTP_PORT: String(port) }, 60_000);
      children.push(started.child);
      return started;
    },
    query: <T>(sql: string, ...params: unknown[]) => queryDb<T>(dbPath, sql, ...params),
    async botMessages() {
      return ((await telegram.chat(SANDBOX_CHAT.id))?.messages ?? []).filter((m) => m.from.is_bot && !m.deleted);
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const restarted = Number(readFileOr(restartPid));
      if (restarted > 0) killQuietly(restarted);
      await telegram.close();
      await h.git.cleanup();
      rmSync(h.dir, { recursive: true, force: true });
    },
  };
}

function readFileOr(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** SIGKILL a process (and its group when it leads one); gone already is fine. */
export function killQuietly(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone
    }
  }
}
