/**
 * One ForgePort and ForgeReader over every configured forge: each call goes to the forge of the
 * project that owns the repository (`forge`, ADR 0041); a merge carries the style the merge job
 * built from the project's `git.mergeMethod` (ADR 0037).
 */
import { forgeOf } from '../core/config/merge-method.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { CiState } from '../core/domain/events.ts';
import { PermanentError } from '../core/errors.ts';
import type { ForgeReader } from '../core/ports/forge-reader.ts';
import type { ForgeMergeOutcome, ForgeMergeStyle, ForgePort } from '../core/ports/forge.ts';

/** A forge client as the router needs it. */
export type RoutedForge = ForgePort & { branchHead(repo: string, branch: string): Promise<string | null> };

/** The clients by forge; a missing one makes its projects' calls fail with a clear message. */
export interface ForgeClients {
  readonly gitea: RoutedForge | null;
  readonly github: RoutedForge | null;
  readonly readers: { readonly gitea: ForgeReader | null; readonly github: ForgeReader | null };
}

/** Routes forge calls by repository. */
export class ForgeRouter implements ForgePort, ForgeReader {
  constructor(
    private readonly clients: ForgeClients,
    private readonly projects: readonly ProjectConfig[],
  ) {}

  ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number> {
    return this.client(repo).ensurePullRequest(repo, branch, base, title, body);
  }

  postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string): Promise<void> {
    return this.client(repo).postStatus(repo, sha, state, context, description);
  }

  merge(repo: string, number: number, headSha: string, style?: ForgeMergeStyle): Promise<ForgeMergeOutcome> {
    return this.client(repo).merge(repo, number, headSha, style);
  }

  async commentOnPullRequest(repo: string, number: number, body: string): Promise<void> {
    await this.client(repo).commentOnPullRequest?.(repo, number, body);
  }

  branchHead(repo: string, branch: string): Promise<string | null> {
    return this.client(repo).branchHead(repo, branch);
  }

  combinedStatus(repo: string, sha: string): Promise<CiState> {
    const forge = this.forgeName(repo);
    const reader = this.clients.readers[forge];
    if (!reader) throw new PermanentError(`reading CI of ${sha.slice(0, 7)} on ${repo}: ${forge} is not configured (${forge === 'github' ? 'GITHUB_TOKEN' : 'GITEA_URL'})`);
    return reader.combinedStatus(repo, sha);
  }

  /** True when at least one forge client is configured. */
  get configured(): boolean {
    return this.clients.gitea !== null || this.clients.github !== null;
  }

  private project(repo: string): ProjectConfig | undefined {
    return this.projects.find((p) => p.repo.toLowerCase() === repo.toLowerCase());
  }

  private forgeName(repo: string): 'gitea' | 'github' {
    const project = this.project(repo);
    return project ? forgeOf(project) : 'gitea';
  }

  private client(repo: string): RoutedForge {
    const forge = this.forgeName(repo);
    const client = this.clients[forge];
    if (!client) throw new PermanentError(`forge call for ${repo}: its project uses ${forge}, which is not configured (${forge === 'github' ? 'GITHUB_TOKEN' : 'GITEA_URL and GITEA_TOKEN'})`);
    return client;
  }
}
