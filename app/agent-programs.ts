/**
 * Are the agent programs on PATH? Used by `conveyor doctor` (an error) and `conveyor start` (a
 * warning per program). Each missing program is named once with every project field and role that
 * uses it; container-runner projects are skipped (the program lives in the image).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ProjectConfig } from '../core/config/projects.ts';
import { ROLES } from '../core/domain/stage.ts';

/** One program that is not found, and where it is configured. */
export interface MissingProgram {
  readonly program: string;
  /** e.g. `projects[SHOP].agents.default (analyst, developer)`. */
  readonly usedBy: readonly string[];
}

/** The missing agent (and CI) programs of process-runner projects. */
export function missingAgentPrograms(projects: readonly ProjectConfig[], path: string): MissingProgram[] {
  const uses = new Map<string, Map<string, string[]>>();
  const add = (program: string, field: string, role: string | null) => {
    const fields = uses.get(program) ?? new Map<string, string[]>();
    uses.set(program, fields);
    const roles = fields.get(field) ?? [];
    fields.set(field, roles);
    if (role) roles.push(role);
  };
  for (const project of projects) {
    if (project.agentRunner.type === 'container') continue;
    for (const role of ROLES) {
      const key = project.agents[role] ? role : 'default';
      const program = firstProgram(project.agents[role] ?? project.agents.default ?? '');
      if (program) add(program, `projects[${project.id}].agents.${key}`, role);
    }
    const ci = project.ciCommand ? firstProgram(project.ciCommand) : null;
    if (ci) add(ci, `projects[${project.id}].ciCommand`, null);
  }
  const missing: MissingProgram[] = [];
  for (const [program, fields] of uses) {
    if (isRunnable(program, path)) continue;
    missing.push({
      program,
      usedBy: [...fields].map(([field, roles]) =>
        roles.length > 0 ? `${field} (${roles.join(', ')})` : field,
      ),
    });
  }
  return missing;
}

/** "agent command not found: claude (used by projects[SHOP].agents.default (analyst, …))". */
export function describeMissing(missing: MissingProgram): string {
  return `"${missing.program}" is not found or not executable on PATH — used by ${missing.usedBy.join('; ')}`;
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

const BUILTINS = ['cd', 'exec', 'env', 'true', 'false', 'test', '[', 'echo', 'printf', ':'];

function isRunnable(program: string, path: string): boolean {
  if (BUILTINS.includes(program) && !program.includes('/')) return true;
  const candidates = program.includes('/')
    ? [program]
    : path
        .split(delimiter)
        .filter((dir) => dir.startsWith('/'))
        .map((dir) => join(dir, program));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
