/**
 * The forge (any vendor) as the reconciler reads it: where a branch is, and what CI says about a
 * commit (statuses and, on GitHub, check runs, combined).
 */
import type { CiState } from '../domain/events.ts';

/** Read-only forge queries. Failures throw (the reconciler skips the task, never advances it). */
export interface ForgeReader {
  /** The head commit of `branch` in `repo` (`owner/name`), or null when the branch does not exist. */
  branchHead(repo: string, branch: string): Promise<string | null>;
  /** The combined CI state of commit `sha` (no status yet reads as pending). */
  combinedStatus(repo: string, sha: string): Promise<CiState>;
}
