/**
 * The push and commit-status payloads Gitea and GitHub share (Gitea's webhook format follows
 * GitHub's for these two) → forge facts. Each vendor's mapper calls these with the status states
 * its API can send; everything malformed is ignored, never thrown.
 */
import { ignored, type CommitStatusState, type ForgeFact, type IgnoredFact } from '../../core/inbound/inbound-fact.ts';
import { numberField, objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';

const BRANCH_PREFIX = 'refs/heads/';

/** A `push` to a branch; a deletion is an all-zero `after` (or GitHub's `deleted: true`). */
export function mapBranchPush(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const ref = textField(body, 'ref');
  const after = textField(body, 'after');
  const before = textField(body, 'before');
  if (!ref || !after || !before) return ignored('push without ref, before or after');
  if (!ref.startsWith(BRANCH_PREFIX) || ref.length === BRANCH_PREFIX.length) return ignored(`push to "${ref}" is not a branch`);
  const deleted = body['deleted'] === true || /^0+$/.test(after);
  return { type: 'push', repo, branch: ref.slice(BRANCH_PREFIX.length), ref, after, before, defaultBranch: textField(objectField(body, 'repository'), 'default_branch'), deleted };
}

/** A commit `status` whose state is one of `states` (what the vendor's API can send). */
export function mapCommitStatus(repo: string, body: JsonObject, states: ReadonlySet<string>): ForgeFact | IgnoredFact {
  const sha = textField(body, 'sha');
  const context = textField(body, 'context');
  const state = stringField(body, 'state');
  if (!sha || !context) return ignored('status without sha or context');
  if (!state || !states.has(state)) return ignored(`status state "${String(state)}" is unknown`);
  return { type: 'status', repo, sha, context, state: state as CommitStatusState, description: stringField(body, 'description') ?? '', targetUrl: textField(body, 'target_url'), statusId: numberField(body, 'id') };
}
