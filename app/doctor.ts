/**
 * `conveyor doctor`: check configuration, projects file, database, git, agent commands, Telegram
 * and the Docker engine, and print every problem with the variable or field to fix. Errors (✗)
 * make the exit code 1; warnings (!) do not. Read-only: it creates no file or directory.
 */
import { forgeProblems } from './forge-check.ts';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { sqliteJournalMode } from '../adapters/store-sqlite/sqlite-journal-mode.ts';
import type { Config } from '../core/config/config.ts';
import { unknownOrchVariables } from '../core/config/env-names.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import { describeError } from '../core/errors.ts';
import { describeMissing, missingAgentPrograms } from './agent-programs.ts';
import { canSwitchUser, isolationProblems, isolationWarnings } from './agent-isolation.ts';
import { doctorConfig } from './doctor-config.ts';
import { checkPostgres } from './doctor-postgres.ts';
import { signingKeyProblems } from './doctor-git-policy.ts';
import { checkDashboard } from './doctor-dashboard.ts';
import { checkTelegram } from './doctor-telegram.ts';
import { loadProjects } from './load-projects.ts';
import { fourEyesPeopleWarnings } from './four-eyes-people.ts';

export interface DoctorCheck {
  readonly name: string;
  /** Errors: `start` would fail or tasks would. */
  readonly problems: readonly string[];
  /** Worth fixing, but nothing fails because of them. */
  readonly warnings?: readonly string[];
  readonly notes?: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every check but the Docker engine's (app/doctor-docker.ts). */
export async function runDoctor(env: Env, options: { forStart?: boolean } = {}): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const { config, problems } = doctorConfig(env);
  const configProblems = [...problems];
  if (
    (options.forStart ?? true) &&
    config &&
    config.telegram.botToken === null &&
    !problems.some((p) => p.startsWith('TELEGRAM_BOT_TOKEN'))
  ) {
    configProblems.push('TELEGRAM_BOT_TOKEN: required by `conveyor start` (get one from @BotFather)');
  }
  if (config?.gitea && config.giteaWebhookSecret === null)
    configProblems.push(
      'GITEA_WEBHOOK_SECRET: required when GITEA_URL is set — /webhooks/gitea answers 401 to every delivery without it',
    );
  if (config?.plane && config.planeWebhookSecret === null)
    configProblems.push(
      'PLANE_WEBHOOK_SECRET: required when PLANE_API_URL is set — /webhooks/plane answers 401 to every delivery without it',
    );
  const unknown = unknownOrchVariables(env).map(
    (name) => `${name}: not a variable Conveyor reads (misspelled? see .env.example); it is ignored`,
  );
  checks.push({ name: 'configuration', problems: configProblems, warnings: unknown });
  if (!config) return checks;

  const parsed = loadProjects(config);
  const projects = parsed.type === 'ok' ? parsed.projects : [];
  checks.push({
    name: 'projects',
    problems: parsed.type === 'invalid' ? parsed.problems : forgeProblems(config, projects),
    warnings: fourEyesPeopleWarnings(projects),
    notes: projects.map((p) => `${p.id}: ${p.repo}, stages ${p.stages.join(' → ')}`),
  });
  checks.push(config.databaseUrl === null ? checkDatabase(config) : await checkPostgres(config.databaseUrl));
  checks.push(checkGit(env));
  if (parsed.type === 'ok') {
    const missing = missingAgentPrograms(projects, env.PATH ?? '');
    checks.push({ name: 'agent commands', problems: missing.map(describeMissing) });
    for (const project of projects) checks.push(checkProject(project, config, env));
    checks.push({
      name: 'agent isolation',
      problems: isolationProblems(projects, canSwitchUser()),
      warnings: isolationWarnings(projects),
    });
  }
  const telegram = await checkTelegram(config, projects);
  if (telegram) checks.push(telegram);
  if (config.telegram.botToken !== null) checks.push(checkDashboard(config));
  return checks;
}

/** Print the checks; returns the exit code (1 when any check has an error). */
export function printDoctor(checks: readonly DoctorCheck[], write: (s: string) => void): number {
  let errors = 0;
  let warnings = 0;
  for (const check of checks) {
    const warned = check.warnings ?? [];
    errors += check.problems.length;
    warnings += warned.length;
    write(`${check.problems.length > 0 ? '✗' : warned.length > 0 ? '!' : '✓'} ${check.name}\n`);
    for (const p of check.problems) write(`    ✗ error: ${p}\n`);
    for (const w of warned) write(`    ! warning: ${w}\n`);
    for (const n of check.notes ?? []) write(`    · ${n}\n`);
  }
  const summary = `${errors} error(s), ${warnings} warning(s)`;
  write(errors === 0 ? `\nall checks passed (${summary})\n` : `\n${summary}: fix the errors above\n`);
  return errors === 0 ? 0 : 1;
}

/** Read-only: an existing database is opened read-only; a missing one is only checked creatable. */
function checkDatabase(config: Config): DoctorCheck {
  const path = config.dbPath;
  if (!existsSync(path)) {
    const parent = nearestExisting(dirname(resolve(path)));
    try {
      accessSync(parent, constants.W_OK);
      return {
        name: 'database',
        problems: [],
        notes: [`${path} does not exist yet: \`conveyor migrate\` or \`conveyor start\` creates it`],
      };
    } catch {
      return {
        name: 'database',
        problems: [`ORCH_DB_PATH: cannot create ${path} (${parent} is not writable)`],
      };
    }
  }
  try {
    const journal = sqliteJournalMode(path);
    return { name: 'database', problems: [], notes: [`${path} (journal ${journal})`] };
  } catch (error) {
    return { name: 'database', problems: [`ORCH_DB_PATH: cannot open ${path}: ${describeError(error)}`] };
  }
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function checkGit(env: Env): DoctorCheck {
  try {
    const version = execFileSync('git', ['--version'], {
      encoding: 'utf8',
      env: { PATH: env.PATH ?? '/usr/bin:/bin' },
    }).trim();
    return { name: 'git', problems: [], notes: [version] };
  } catch {
    return { name: 'git', problems: ['git is not installed or not on PATH'] };
  }
}

function checkProject(project: ProjectConfig, config: Config, env: Env): DoctorCheck {
  const problems: string[] = [];
  const at = `projects[${project.id}]`;
  try {
    const heads = execFileSync('git', ['ls-remote', '--heads', project.cloneUrl, project.defaultBranch], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/tmp', GIT_TERMINAL_PROMPT: '0' },
    });
    if (heads.trim() === '')
      problems.push(`${at}.defaultBranch: branch "${project.defaultBranch}" not found at cloneUrl`);
  } catch (error) {
    problems.push(`${at}.cloneUrl: cannot reach ${redactUrl(project.cloneUrl)}: ${gitReason(error)}`);
  }
  if (project.plane && !config.plane)
    problems.push(`${at}.plane: set PLANE_API_URL, PLANE_API_KEY and PLANE_WORKSPACE to use the tracker`);
  problems.push(...signingKeyProblems(project, env));
  return { name: `project ${project.id} (${project.repo})`, problems };
}

/** git's own words (its stderr), credentials stripped. */
function gitReason(error: unknown): string {
  const e = error as { stderr?: string | Buffer; signal?: string | null };
  if (e.signal === 'SIGTERM') return 'git ls-remote timed out after 15 s';
  const stderr = String(e.stderr ?? '').trim();
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3);
  return redactUrl(
    lines.length > 0 ? lines.join(' / ') : (describeError(error).split('\n')[0] ?? 'git ls-remote failed'),
  );
}

function redactUrl(text: string): string {
  return text.replace(/(\w+:\/\/)[^@/\s]+@/g, '$1***@');
}
