/** Who may do what, from the projects file and ORCH_ADMIN_IDS. */
import type { ProjectConfig } from '../../core/config/projects.ts';

export class Access {
  private readonly chats: Map<string, ProjectConfig[]>;
  private readonly people: Set<number>;

  constructor(
    private readonly projects: ReadonlyMap<string, ProjectConfig>,
    private readonly admins: readonly number[],
  ) {
    this.chats = new Map();
    for (const p of projects.values()) this.chats.set(p.chatId, [...(this.chats.get(p.chatId) ?? []), p]);
    this.people = new Set([...admins, ...[...projects.values()].flatMap((p) => [...p.approvers, ...(p.deploy?.approvers ?? [])])]);
  }

  /** The projects whose chat this is (empty: the bot stays silent here). */
  projectsInChat(chatId: string): readonly ProjectConfig[] {
    return this.chats.get(chatId) ?? [];
  }

  isKnownPerson(userId: number): boolean {
    return this.people.has(userId);
  }

  isApprover(project: ProjectConfig, userId: number): boolean {
    return project.approvers.includes(userId);
  }

  isAdmin(userId: number): boolean {
    return this.admins.includes(userId);
  }

  project(id: string): ProjectConfig | undefined {
    return this.projects.get(id.toUpperCase());
  }
}
