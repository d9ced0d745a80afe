/**
 * core's ForgeReader over the GitHub client: a branch's head, and a commit's CI state from its
 * commit statuses and check runs together, judged with the project's required contexts.
 */
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { CiState } from '../../core/domain/events.ts';
import { ciVerdict } from '../../core/gates/ci-verdict.ts';
import type { ForgeReader } from '../../core/ports/forge-reader.ts';
import type { GithubClient } from './github-client.ts';

/** ForgeReader over GithubClient. */
export class GithubForgeReader implements ForgeReader {
  constructor(
    private readonly client: Pick<GithubClient, 'branchHead' | 'ciContexts'>,
    private readonly projects: readonly ProjectConfig[] = [],
  ) {}

  branchHead(repo: string, branch: string): Promise<string | null> {
    return this.client.branchHead(repo, branch);
  }

  async combinedStatus(repo: string, sha: string): Promise<CiState> {
    const required = this.projects.find((p) => p.repo.toLowerCase() === repo.toLowerCase())?.requiredChecks;
    return ciVerdict(await this.client.ciContexts(repo, sha), required).state;
  }
}
