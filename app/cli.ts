/** The `conveyor` command line: start, demo, migrate, doctor. */
import { AlreadyRunningError, ConfigError } from '../core/errors.ts';
import { openStore } from '../core/store/database.ts';
import { runDemo } from './demo/run-demo.ts';
import { printDoctor, runDoctor } from './doctor.ts';
import { engineDoctorChecks } from './doctor-docker.ts';
import { runStart } from './start.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { StartupFailure, databaseFailure } from './startup-failure.ts';

const HELP = `conveyor — ChatOps orchestrator for software delivery by AI coding agents

usage: conveyor <command>

  start     run the bot, webhook listener, workers and notifier (needs TELEGRAM_BOT_TOKEN)
  demo      offline demo: deliver one task on a local repository with scripted agents
  migrate   apply database migrations to ORCH_DB_PATH and exit
  doctor    check configuration, projects, database, git, agent commands and the Docker engine
  help      this text
`;

/** Exit code of a start refused by the instance lock (EX_TEMPFAIL: try again once the other stopped). */
export const ALREADY_RUNNING_EXIT = 75;

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const command = argv[0] ?? 'help';
  const out = (s: string) => process.stdout.write(s);
  try {
    switch (command) {
      case 'demo': {
        const result = await runDemo({ env: { PATH: env.PATH, HOME: env.HOME, LANG: env.LANG, DOCKER_HOST: env.DOCKER_HOST } });
        return result.ok ? 0 : 1;
      }
      case 'migrate': {
        const config = loadConfigFromEnv(env);
        try {
          openStore(config.dbPath).close();
        } catch (error) {
          throw databaseFailure(config.dbPath, error) ?? error;
        }
        out(`migrations applied to ${config.dbPath}\n`);
        return 0;
      }
      case 'doctor':
        return printDoctor([...(await runDoctor(env)), ...(await engineDoctorChecks(env))], out);
      case 'start':
        return await runStart(env);
      case 'help':
      case '--help':
      case '-h':
        out(HELP);
        return 0;
      default:
        process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
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
