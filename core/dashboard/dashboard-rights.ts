/**
 * Who may see and who may act on the dashboard (ADR 0040). A project is visible to its approvers,
 * its deploy approvers, the members listed in its `viewers`, and every admin (ORCH_ADMIN_IDS).
 * Acting (approve/reject a BRD, retry, cancel) follows the bot: the project's approvers only.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { mayAct } from '../actions/task-actions.ts';

export class DashboardRights {
  constructor(
    private readonly projects: ReadonlyMap<string, ProjectConfig>,
    private readonly admins: readonly number[],
  ) {}

  /** The projects `userId` may see, in the projects file's order (empty: not a viewer at all). */
  visibleProjects(userId: number): readonly ProjectConfig[] {
    return [...this.projects.values()].filter((p) => this.maySee(p, userId));
  }

  maySee(project: ProjectConfig, userId: number): boolean {
    return (
      this.admins.includes(userId) ||
      project.approvers.includes(userId) ||
      (project.viewers ?? []).includes(userId) ||
      (project.deploy?.approvers ?? []).includes(userId)
    );
  }

  /** Approve/reject a BRD, retry, cancel: the same people as in the chat. */
  mayAct(project: ProjectConfig, userId: number): boolean {
    return mayAct(project, userId);
  }

  project(id: string): ProjectConfig | undefined {
    return this.projects.get(id.toUpperCase());
  }
}
