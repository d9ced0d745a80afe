/** Read the projects (ORCH_PROJECTS_JSON wins over ORCH_PROJECTS_FILE). */
import { readFileSync } from 'node:fs';
import type { Config } from '../core/config/config.ts';
import { parseProjects, type ProjectsParse } from '../core/config/projects.ts';

export function loadProjects(config: Config): ProjectsParse {
  return needsGithubToken(config, readProjects(config));
}

/** GitHub Issues as a tracker (ADR 0042) talks to GitHub: without GITHUB_TOKEN the project cannot work. */
function needsGithubToken(config: Config, parsed: ProjectsParse): ProjectsParse {
  if (parsed.type !== 'ok' || config.github !== null) return parsed;
  const problems = parsed.projects.flatMap((p, i) => (p.github?.issues ? [`projects[${i}].github.issues: needs GITHUB_TOKEN (the issues are read and written through GitHub's API)`] : []));
  return problems.length > 0 ? { type: 'invalid', problems } : parsed;
}

function readProjects(config: Config): ProjectsParse {
  if (config.projectsJson !== null) return parseProjects(config.projectsJson, 'ORCH_PROJECTS_JSON');
  let text: string;
  try {
    text = readFileSync(config.projectsFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      type: 'invalid',
      problems: [
        code === 'ENOENT'
          ? `ORCH_PROJECTS_FILE: ${config.projectsFile} does not exist (create it, see projects.example.json, or set ORCH_PROJECTS_JSON)`
          : `ORCH_PROJECTS_FILE: cannot read ${config.projectsFile} (${(error as Error).message.split(',')[0] ?? code ?? 'read failed'})`,
      ],
    };
  }
  return parseProjects(text, config.projectsFile);
}
