/**
 * The projects file's `git` block: the identity Conveyor commits with, optional SSH signing, and
 * how a tested task branch reaches the default branch (locally and on the forge). Every field is
 * optional; the defaults keep Conveyor's historic identity and squash the attempts (ADR 0037).
 */
import path from 'node:path';
import { z } from 'zod';

/** How a task's commits reach the default branch. */
export const MERGE_METHODS = ['squash', 'merge', 'rebase', 'fast-forward'] as const;

/** One of {@link MERGE_METHODS}. */
export type MergeMethod = (typeof MERGE_METHODS)[number];

/** A project's git policy, defaults applied. */
export interface GitPolicy {
  /** Author and committer name of every commit Conveyor makes. Default "Conveyor". */
  readonly authorName: string;
  /** Author and committer email. Default "conveyor@localhost". */
  readonly authorEmail: string;
  /**
   * Absolute path of an SSH private key (unencrypted, mode 0600): when set, Conveyor's commits are
   * SSH-signed (gpg.format=ssh); absent, nothing is signed (ADR 0038).
   */
  readonly signingKey?: string;
  /**
   * `squash` (default): one commit `<ID>: <title>` on top of the default branch; `merge`: a
   * `--no-ff` merge commit; `rebase`: the rebased task commits; `fast-forward`: the task commits
   * only when they already sit on top of the default branch. The forge uses the matching style.
   */
  readonly mergeMethod: MergeMethod;
}

/** The policy when the project has no `git` block. */
export const DEFAULT_GIT_POLICY: GitPolicy = Object.freeze({
  authorName: 'Conveyor',
  authorEmail: 'conveyor@localhost',
  mergeMethod: 'squash',
});

// git rejects names and emails with these (and would silently strip angle brackets).
const IDENTITY_FORBIDDEN = /[<>\n\r\0]/;

/** The `git` block as written in the file. */
export const gitPolicySchema = z
  .object({
    authorName: z
      .string()
      .trim()
      .min(1, 'must be a name, e.g. "Conveyor Bot"')
      .refine((v) => !IDENTITY_FORBIDDEN.test(v), 'must not contain <, > or line breaks, e.g. "Conveyor Bot"')
      .optional(),
    authorEmail: z
      .string()
      .trim()
      .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an email address, e.g. "conveyor@acme.test"')
      .optional(),
    signingKey: z
      .string()
      .min(1, 'must be the path of an SSH private key, e.g. "/run/secrets/conveyor_signing_key"')
      .refine((p) => path.isAbsolute(p), 'must be an absolute path of an SSH private key, e.g. "/run/secrets/conveyor_signing_key"')
      .optional(),
    mergeMethod: z.enum(MERGE_METHODS).optional(),
  })
  .strict();

/** The block (or its absence) with the defaults applied, without undefined keys. */
export function gitPolicyOf(block: z.infer<typeof gitPolicySchema> | undefined): GitPolicy {
  const policy: GitPolicy = {
    authorName: block?.authorName ?? DEFAULT_GIT_POLICY.authorName,
    authorEmail: block?.authorEmail ?? DEFAULT_GIT_POLICY.authorEmail,
    mergeMethod: block?.mergeMethod ?? DEFAULT_GIT_POLICY.mergeMethod,
  };
  return block?.signingKey === undefined ? policy : { ...policy, signingKey: block.signingKey };
}

/** The squash commit's subject and the forge's merge title: `SHOP-1: Add a cart`. */
export function landingTitle(taskId: string, title: string): string {
  const oneLine = title.replace(/\s+/g, ' ').trim();
  return oneLine ? `${taskId}: ${oneLine}` : taskId;
}
