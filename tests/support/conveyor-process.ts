/**
 * A whole Conveyor in a child process, for the fault tests (tests/fault/): real store file, real
 * git workspace, real agent processes, one project with analysis and development. A test starts
 * it, kills or stops it, and starts it again on the same database and workdir.
 *
 * Run with `node --import tsx tests/support/conveyor-process.ts` (from the repository root, so
 * `tsx` resolves). It is an entry point, so it reads its settings from the environment here:
 *   FAULT_DB_PATH     SQLite file                     FAULT_WORKDIR      ORCH_WORKDIR
 *   FAULT_REMOTE      the project's cloneUrl          FAULT_AGENTS_DIR   holds `<role>.sh` per role
 *   FAULT_LEASE_MS    job lease (default 1500)        FAULT_GRACE_MS     stop grace (default 10000)
 *   FAULT_CI_COMMAND  optional ciCommand              FAULT_NOTIFY_FILE  optional; notifier output goes here
 *   FAULT_STAGES      optional comma list of stages (default analysis,development)
 *   FAULT_STAGING_MARKER  optional; enables a scripted staging runner (see below) and a staging block
 *   FAULT_AUTO_APPROVE    "1": approve every BRD as soon as it is requested
 * The scripted staging runner appends `start <pid>` to FAULT_STAGING_MARKER; the first run ever
 * then hangs (to be killed), later runs append `finish <pid>` and answer SUCCESS.
 * On start it requests one task under a fixed event key, so every restart asks for the same task
 * and only the first creates it. stdout gets `ready <task id>` once running and `stopped` after
 * a graceful stop; SIGTERM stops it (`app.stop(FAULT_GRACE_MS)`) and it exits 0.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../app/compose.ts';
import { createLogger } from '../../adapters/log/pino-logger.ts';
import { ConsoleNotifier } from '../../bot/console-notifier.ts';
import { loadConfig } from '../../core/config/config.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { systemClock } from '../../core/ports/clock.ts';
import type { StagingInput, StagingResult, StagingRunnerPort } from '../../core/staging/staging-types.ts';
import { pendingApproval } from '../../core/store/approval-repo.ts';
import { getTask } from '../../core/store/task-repo.ts';
import { STAGING } from './merge-phase-harness.ts';
import { sqliteApp } from './sqlite-app.ts';

/** The fixed key of the one task request: replays on restart are duplicates. */
const TASK_EVENT_KEY = 'fault:new:1';
/** The project id, so the task is `FAULT-1`. */
const PROJECT_ID = 'FAULT';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`conveyor-process: ${name} is required`);
  return value;
};
const settings = {
  dbPath: required('FAULT_DB_PATH'),
  workdir: required('FAULT_WORKDIR'),
  remote: required('FAULT_REMOTE'),
  agentsDir: required('FAULT_AGENTS_DIR'),
  leaseMs: Number(env.FAULT_LEASE_MS ?? 1500),
  graceMs: Number(env.FAULT_GRACE_MS ?? 10_000),
  ciCommand: env.FAULT_CI_COMMAND ?? null,
  notifyFile: env.FAULT_NOTIFY_FILE ?? null,
  stages: (env.FAULT_STAGES ?? 'analysis,development').split(','),
  stagingMarker: env.FAULT_STAGING_MARKER ?? null,
  autoApprove: env.FAULT_AUTO_APPROVE === '1',
  agentEnv: { PATH: env.PATH, HOME: env.HOME, LANG: env.LANG },
};

function project(): ProjectConfig {
  const sh = (role: string) => `sh "${join(settings.agentsDir, `${role}.sh`)}"`;
  const parsed = parseProjects(
    JSON.stringify({
      projects: [
        {
          id: PROJECT_ID,
          repo: 'fault/shop',
          cloneUrl: settings.remote,
          defaultBranch: 'main',
          chatId: -100200300,
          approvers: [111],
          ...(settings.ciCommand ? { ciCommand: settings.ciCommand } : {}),
          agents: {
            analyst: sh('analyst'),
            developer: sh('developer'),
            reviewer: sh('reviewer'),
            tester: sh('tester'),
          },
          stages: settings.stages,
          ...(settings.stages.includes('deploy-staging') ? { staging: { health: { command: 'true' } } } : {}),
        },
      ],
    }),
    'fault project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const only = parsed.projects[0];
  if (!only) throw new Error('fault project missing');
  return settings.stagingMarker ? { ...only, staging: STAGING } : only;
}

/** Staging without Docker: records each run in the marker; the first run ever hangs until killed. */
class MarkerStaging implements StagingRunnerPort {
  constructor(private readonly marker: string) {}
  async run(input: StagingInput): Promise<StagingResult> {
    const first = !existsSync(this.marker);
    appendFileSync(this.marker, `start ${process.pid}\n`);
    await new Promise((resolve) => setTimeout(resolve, first ? 120_000 : 200));
    appendFileSync(this.marker, `finish ${process.pid}\n`);
    const report = `---\nstaging_status: SUCCESS\nrevision: ${input.sha}\nwaived: []\n---\nPASS C1 up\nVERDICT: SUCCESS\n`;
    return {
      verdict: 'SUCCESS',
      revision: input.sha,
      imageId: null,
      imageRef: `conveyor/fault:${input.sha}`,
      checks: [],
      waived: [],
      reason: null,
      mustFix: null,
      report,
      durationMs: 200,
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig({
    ORCH_DB_PATH: settings.dbPath,
    ORCH_WORKDIR: settings.workdir,
    ORCH_AGENT_TIMEOUT_S: '120',
    ORCH_MAX_CONCURRENCY: '1',
    ORCH_LOG_LEVEL: 'info',
  });
  const notifyFile = settings.notifyFile;
  const app = sqliteApp(await createApp({
    config,
    projects: [project()],
    logger: createLogger({ level: config.logLevel, secrets: [] }),
    env: settings.agentEnv,
    notifier: ({ store, queue, projects }) =>
      new ConsoleNotifier({
        store,
        queue,
        projects,
        locale: config.locale,
        maxRollbacks: config.maxDeveloperRetries,
        clock: systemClock,
        write: (text) => {
          if (notifyFile) appendFileSync(notifyFile, text);
        },
      }),
    pollMs: 100,
    leaseMs: settings.leaseMs,
    staging: settings.stagingMarker ? new MarkerStaging(settings.stagingMarker) : null,
  }));
  if (settings.autoApprove) {
    const autoApprove = async (): Promise<void> => {
      const task = await getTask(app.store.db, `${PROJECT_ID}-1`);
      const approval =
        task?.phase === 'awaiting-approval' ? await pendingApproval(app.store.db, task.id, 'brd') : null;
      if (approval)
        await app.engine.handle({
          type: 'ApprovalDecided',
          key: `auto:${approval.id}`,
          taskId: approval.taskId,
          approvalId: approval.id,
          decision: 'approve',
          actor: 'telegram:111:Alice',
        });
    };
    app.engine.onHandled(() => {
      autoApprove().catch((error: unknown) => process.stderr.write(`conveyor-process: auto-approve failed: ${String(error)}\n`));
    });
  }
  app.start();
  const requested = await app.engine.handle({
    type: 'TaskRequested',
    key: TASK_EVENT_KEY,
    projectId: PROJECT_ID,
    title: 'Survive a crash',
    description: 'The orchestrator is killed while the analyst runs.',
    source: 'chat',
    actor: 'telegram:111:Alice',
  });
  const taskId =
    requested.type === 'created' || requested.type === 'duplicate' ? (requested.taskId ?? '-') : '-';
  process.stdout.write(`ready ${taskId}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    app.stop(settings.graceMs).then(
      () => {
        process.stdout.write('stopped\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`conveyor-process: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`conveyor-process: ${String(error)}\n`);
  process.exit(1);
});
