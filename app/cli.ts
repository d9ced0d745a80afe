/** The `conveyor` command line (Node's util.parseArgs): start, worker, demo, migrate, doctor. */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../core/config/config.ts';
import { AlreadyRunningError, ConfigError } from '../core/errors.ts';
import { openConfiguredStore } from './open-store.ts';
import { runDemo } from './demo/run-demo.ts';
import { DEMO_FORGES, type DemoForge } from './demo/demo-scene.ts';
import { printDoctor, runDoctor } from './doctor.ts';
import { engineDoctorChecks } from './doctor-docker.ts';
import { runSandboxCommand } from './sandbox-command.ts';
import { runStart } from './start.ts';
import { runWorker } from './worker.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { StartupFailure } from './startup-failure.ts';

type Env = Readonly<Record<string, string | undefined>>;

const HELP = `conveyor — ChatOps orchestrator for software delivery by AI coding agents

usage: conveyor <command> [options]
       conveyor <command> --help

  start     run the bot, webhook listener, workers and notifier (needs TELEGRAM_BOT_TOKEN)
  worker    only claim and run jobs (agents, CI, git, Docker) beside a \`start\` on one database
  demo      offline demo: deliver one task on a local repository with scripted agents
  migrate   apply database migrations (ORCH_DATABASE_URL, else ORCH_DB_PATH) and exit
  doctor    check configuration, projects, database, git, agent commands, Telegram and Docker
  sandbox   run the Telegram, Gitea and Plane stand-ins to try \`start\` against (prints the .env)
  help      this text

  --version   print the version
  --help, -h  this text

start, worker, doctor and migrate read ./.env when present (variables already set win).
Exit codes: 0 ok, 1 unexpected (or doctor errors), 2 usage, 69 port unavailable,
74 database unavailable, 75 already running, 77 token refused, 78 invalid configuration.
`;

interface Command {
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, env: Env, out: (s: string) => void): Promise<number>;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

const COMMANDS: Readonly<Record<string, Command>> = {
  start: {
    usage: `usage: conveyor start\n\nRuns the bot, the webhook listener (ORCH_HTTP_HOST:ORCH_HTTP_PORT), the workers, the notifier\nand the reconciler until SIGTERM/SIGINT. Configuration comes from the environment and ./.env.\n`,
    options: HELP_OPTION,
    run: (_values, env) => runStart(env),
  },
  worker: {
    usage: `usage: conveyor worker\n\nClaims and runs jobs only (agents, CI, git, Docker, merge, staging, deploy) on the database of\nORCH_DATABASE_URL (else ORCH_DB_PATH) with its own ORCH_WORKDIR, until SIGTERM/SIGINT; ORCH_WORKER_KINDS limits the job\nkinds it takes (default all). No listener, no Telegram, no outbox, no reconciler: a \`conveyor\nstart\` on the same database does those. Configuration comes from the environment and ./.env.\n`,
    options: HELP_OPTION,
    run: (_values, env) => runWorker(env),
  },
  demo: {
    usage: `usage: conveyor demo [--keep] [--forge gitea|github]\n\nDelivers one task end to end offline (Telegram, Gitea and Plane stand-ins, scripted agents).\nThe chat follows ORCH_LOCALE (en or ru).\n\n  --keep           keep the temp folder (database, work tree), print its path, and keep the\n                   dashboard (its URL is printed at the start) open until Ctrl-C\n  --forge <name>   gitea (default: Gitea and Plane) or github (GitHub alone: the repository,\n                   Actions check runs and GitHub Issues as the tracker)\n`,
    options: { ...HELP_OPTION, keep: { type: 'boolean' }, forge: { type: 'string' } },
    async run(values, env) {
      const forge = values.forge ?? 'gitea';
      if (!isDemoForge(forge)) {
        process.stderr.write(`conveyor demo: --forge must be one of ${DEMO_FORGES.join(', ')} (got "${String(forge)}")\n`);
        return USAGE_EXIT;
      }
      // Only ORCH_LOCALE is taken from the environment: the demo brings its own world.
      const { locale } = loadConfig({ ORCH_LOCALE: env.ORCH_LOCALE });
      const result = await runDemo({ env: { PATH: env.PATH, HOME: env.HOME, LANG: env.LANG, DOCKER_HOST: env.DOCKER_HOST }, keep: values.keep === true, locale, forge, ...(values.keep === true ? { holdOpen: untilInterrupted } : {}) });
      return result.ok ? 0 : 1;
    },
  },
  migrate: {
    usage: `usage: conveyor migrate\n\nApplies the database migrations and exits: to PostgreSQL when ORCH_DATABASE_URL is set\n(the URL is printed without its password), else to the SQLite file ORCH_DB_PATH (creating it).\n`,
    options: HELP_OPTION,
    async run(_values, env, out) {
      const config = loadConfigFromEnv(env);
      const opened = await openConfiguredStore(config);
      await opened.store.close();
      out(`migrations applied to ${opened.where}\n`);
      return 0;
    },
  },
  sandbox: {
    usage: `usage: conveyor sandbox [--listener <url>] [--forge gitea|github]\n\nRuns the Telegram, Gitea and Plane stand-ins on loopback with the demo's shop repository and\nprints the .env lines for \`conveyor start\` and how to post in the chat as a user. Ctrl-C stops.\n\n  --listener <url>   where \`conveyor start\` will listen, for Gitea and Plane webhooks\n                     (default http://127.0.0.1:8080)\n  --forge <name>     gitea (default) or github (Telegram and GitHub alone; GitHub Issues)\n`,
    options: { ...HELP_OPTION, listener: { type: 'string' }, forge: { type: 'string' } },
    async run(values, env, out) {
      const forge = values.forge ?? 'gitea';
      if (!isDemoForge(forge)) {
        process.stderr.write(`conveyor sandbox: --forge must be one of ${DEMO_FORGES.join(', ')} (got "${String(forge)}")\n`);
        return USAGE_EXIT;
      }
      return runSandboxCommand(typeof values.listener === 'string' ? values.listener : 'http://127.0.0.1:8080', env, out, forge);
    },
  },
  doctor: {
    usage: `usage: conveyor doctor\n\nChecks what \`conveyor start\` needs and names every problem: ✗ errors (exit code 1) and\n! warnings. Changes nothing.\n`,
    options: HELP_OPTION,
    run: async (_values, env, out) => printDoctor([...(await runDoctor(env)), ...(await engineDoctorChecks(env))], out),
  },
};

/** Exit code of a start refused by the instance lock (EX_TEMPFAIL: try again once the other stopped). */
export const ALREADY_RUNNING_EXIT = 75;
/** Exit code of a command-line usage error. */
export const USAGE_EXIT = 2;

export async function main(argv: readonly string[], env: Env): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const [first = 'help', ...rest] = argv;
  if (first === '--version' || first === '-v') {
    out(`conveyor ${version()}\n`);
    return 0;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    out(HELP);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    process.stderr.write(`conveyor: unknown command "${first}"\n\n${HELP}`);
    return USAGE_EXIT;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...rest], options: command.options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    process.stderr.write(`conveyor ${first}: ${(error as Error).message}\n\n${command.usage}`);
    return USAGE_EXIT;
  }
  if (values.help === true) {
    out(command.usage);
    return 0;
  }
  try {
    return await command.run(values, env, out);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`conveyor: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    if (error instanceof StartupFailure) {
      process.stderr.write(`conveyor: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AlreadyRunningError) {
      process.stderr.write(`conveyor: ${error.message}\n`);
      return ALREADY_RUNNING_EXIT;
    }
    throw error;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function isDemoForge(value: unknown): value is DemoForge {
  return (DEMO_FORGES as readonly unknown[]).includes(value);
}

/** Resolves on the first SIGINT or SIGTERM (`demo --keep` keeps the dashboard up until then). */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
