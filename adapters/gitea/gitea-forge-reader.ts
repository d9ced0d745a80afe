/** core's ForgeReader over the Gitea client: a branch's head, a commit's combined CI state. */
import type { CiState } from '../../core/domain/events.ts';
import type { ForgeReader } from '../../core/ports/forge-reader.ts';
import type { GiteaClient } from './gitea-client.ts';

/** ForgeReader over GiteaClient. */
export class GiteaForgeReader implements ForgeReader {
  constructor(private readonly client: Pick<GiteaClient, 'branchHead' | 'combinedStatus'>) {}

  branchHead(repo: string, branch: string): Promise<string | null> {
    return this.client.branchHead(repo, branch);
  }

  async combinedStatus(repo: string, sha: string): Promise<CiState> {
    return (await this.client.combinedStatus(repo, sha)).state;
  }
}
