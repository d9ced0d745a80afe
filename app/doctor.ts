/**
 * `conveyor doctor`: check configuration, projects file, database, git and agent commands, and
 * print every problem with the variable or field to fix. Exit code 1 when anything is wrong.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import { ROLES } from '../core/domain/stage.ts';
import { ConfigError, describeError } from '../core/errors.ts';
import { openStore } from '../core/store/database.ts';
import { loadProjects } from './load-projects.ts';
import { loadConfigFromEnv } from './secret-files.ts';
import { canSwitchUser, isolationProblems, isolationWarnings } from './agent-isolation.ts';

export interface DoctorCheck {
  readonly name: string;
  readonly problems: readonly string[];
  readonly notes?: readonly string[];
}

export function runDoctor(env: Readonly<Record<string, string | undefined>>, options: { forStart?: boolean } = {}): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  let config: Config;
  try {
    config = loadConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [{ name: 'configuration', problems: error.problems }];
  }
  const configProblems: string[] = [];
  if ((options.forStart ?? true) && config.telegram.botToken === null) configProblems.push('TELEGRAM_BOT_TOKEN: required by `conveyor start` (get one from @BotFather)');
  if (config.giteaWebhookSecret === null) configProblems.push('GITEA_WEBHOOK_SECRET: not set — /webhooks/gitea will answer 401 to every delivery');
  if (config.plane && config.planeWebhookSecret === null) configProblems.push('PLANE_WEBHOOK_SECRET: not set — /webhooks/plane will answer 401 to every delivery');
  checks.push({ name: 'configuration', problems: configProblems });

  const parsed = loadProjects(config);
  checks.push({ name: 'projects', problems: parsed.type === 'invalid' ? parsed.problems : [] });
  checks.push(checkDatabase(config));
  checks.push(checkGit());
  if (parsed.type === 'ok') {
    for (const project of parsed.projects) checks.push(checkProject(project, config, env));
    checks.push({
      name: 'agent isolation',
      problems: isolationProblems(parsed.projects, canSwitchUser()),
      notes: isolationWarnings(parsed.projects).map((warning) => `warning: ${warning}`),
    });
  }
  return checks;
}

/** Print the checks; returns the exit code. */
export function printDoctor(checks: readonly DoctorCheck[], write: (s: string) => void): number {
  let failed = 0;
  for (const check of checks) {
    if (check.problems.length === 0) {
      write(`✔ ${check.name}\n`);
    } else {
      failed += 1;
      write(`✘ ${check.name}\n`);
      for (const p of check.problems) write(`    - ${p}\n`);
    }
    for (const n of check.notes ?? []) write(`    · ${n}\n`);
  }
  write(failed === 0 ? '\nall checks passed\n' : `\n${failed} check(s) failed\n`);
  return failed === 0 ? 0 : 1;
}

function checkDatabase(config: Config): DoctorCheck {
  try {
    const store = openStore(config.dbPath);
    const journal = store.sqlite.pragma('journal_mode', { simple: true }) as string;
    store.close();
    return { name: 'database', problems: [], notes: [`${config.dbPath} (journal ${journal}, migrations applied)`] };
  } catch (error) {
    return { name: 'database', problems: [`ORCH_DB_PATH: cannot open ${config.dbPath}: ${describeError(error)}`] };
  }
}

function checkGit(): DoctorCheck {
  try {
    const version = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
    return { name: 'git', problems: [], notes: [version] };
  } catch {
    return { name: 'git', problems: ['git is not installed or not on PATH'] };
  }
}

function checkProject(project: ProjectConfig, config: Config, env: Readonly<Record<string, string | undefined>>): DoctorCheck {
  const problems: string[] = [];
  const at = `projects[${project.id}]`;
  for (const role of ROLES) {
    const command = project.agents[role] ?? project.agents.default;
    const program = command ? firstProgram(command) : null;
    if (program && !isRunnable(program, env.PATH ?? '')) problems.push(`${at}.agents.${project.agents[role] ? role : 'default'}: "${program}" is not found or not executable (role ${role})`);
  }
  if (project.ciCommand) {
    const program = firstProgram(project.ciCommand);
    if (program && !isRunnable(program, env.PATH ?? '')) problems.push(`${at}.ciCommand: "${program}" is not found or not executable`);
  }
  try {
    const heads = execFileSync('git', ['ls-remote', '--heads', project.cloneUrl, project.defaultBranch], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? '/tmp', GIT_TERMINAL_PROMPT: '0' },
    });
    if (heads.trim() === '') problems.push(`${at}.defaultBranch: branch "${project.defaultBranch}" not found at cloneUrl`);
  } catch (error) {
    problems.push(`${at}.cloneUrl: cannot reach the repository (${redactUrl(describeError(error)).split('\n')[0] ?? ''})`);
  }
  if (project.plane && !config.plane) problems.push(`${at}.plane: set PLANE_API_URL, PLANE_API_KEY and PLANE_WORKSPACE to use the tracker`);
  return { name: `project ${project.id} (${project.repo})`, problems };
}

/** The program a shell command line starts with (skipping VAR=value assignments). */
export function firstProgram(command: string): string | null {
  const tokens = command.trim().split(/\s+/);
  for (const token of tokens) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(token)) continue;
    return token.replace(/^["']|["']$/g, '') || null;
  }
  return null;
}

function isRunnable(program: string, path: string): boolean {
  const builtins = ['cd', 'exec', 'env', 'true', 'false', 'test', '[', 'echo', 'printf', ':'];
  if (builtins.includes(program)) return true;
  const candidates = program.includes('/') ? [program] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  return candidates.some((file) => {
    if (!isAbsolute(file) && !program.includes('/')) return false;
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function redactUrl(text: string): string {
  return text.replace(/(\w+:\/\/)[^@/\s]+@/g, '$1***@');
}
