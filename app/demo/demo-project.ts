/** The demo's one project, SHOP, as a projects file would declare it (parsed by the real parser). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { demoStagingFields, type DemoStaging } from './demo-staging.ts';
import { CHAT, PLANE_PROJECT, REPO } from './demo-world.ts';

const AGENTS = fileURLToPath(new URL('./agents/', import.meta.url));
/** The demo's approver (BRD and production). */
export const ALICE = { id: 111, first_name: 'Alice', username: 'alice' };

/** The demo's scripted agents (app/demo/agents/*.sh), as a project's `agents` field. */
export function demoAgents(): Record<'analyst' | 'developer' | 'reviewer' | 'tester', string> {
  const sh = (role: string) => `sh "${join(AGENTS, `${role}.sh`)}"`;
  return { analyst: sh('analyst'), developer: sh('developer'), reviewer: sh('reviewer'), tester: sh('tester') };
}

/** The demo's projects file (`ORCH_PROJECTS_JSON`); `deploy`: the production block when staging runs (demo-deploy.ts). */
export function demoProjectsJson(remote: string, staging: DemoStaging, deploy?: Record<string, unknown>): string {
  return JSON.stringify({
    projects: [
      {
        id: 'SHOP',
        repo: REPO,
        cloneUrl: remote,
        defaultBranch: 'main',
        chatId: CHAT.id,
        approvers: [ALICE.id],
        // CI comes from Gitea (its Actions report `status` webhooks), so no local ciCommand.
        plane: { projectId: PLANE_PROJECT },
        agents: demoAgents(),
        ...demoStagingFields(staging, deploy),
      },
    ],
  });
}

/** The demo's project, parsed by the real parser. */
export function demoProject(remote: string, staging: DemoStaging, deploy?: Record<string, unknown>): ProjectConfig {
  const parsed = parseProjects(demoProjectsJson(remote, staging, deploy), 'demo project');
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const project = parsed.projects[0];
  if (!project) throw new Error('demo project missing');
  return project;
}
