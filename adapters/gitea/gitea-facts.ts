/**
 * Gitea webhook payloads (modules/structs/hook.go) → forge facts; registered with the inbox
 * processor as the `gitea` source's mapper, so core never sees Gitea's wire format. Only push, status and pull request
 * open/merge matter to Conveyor; everything else, and every malformed shape, is ignored.
 */
import { ignored, type ForgeFact, type IgnoredFact } from '../../core/inbound/inbound-fact.ts';
import { asObject, numberField, objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';
import { mapBranchPush, mapCommitStatus } from '../forge-payloads/commit-payloads.ts';

const STATUS_STATES: ReadonlySet<string> = new Set(['pending', 'success', 'error', 'failure', 'warning', 'skipped']);
const BRANCH_PREFIX = 'refs/heads/';

/** Map one Gitea delivery (event header value and parsed body) to a fact. Never throws. */
export function mapGiteaDelivery(event: string, payload: unknown): ForgeFact | IgnoredFact {
  const body = asObject(payload);
  if (!body) return ignored('payload is not a JSON object');
  const repo = textField(objectField(body, 'repository'), 'full_name');
  if (!repo) return ignored('payload has no repository.full_name');
  switch (event) {
    case 'status':
      return mapCommitStatus(repo, body, STATUS_STATES);
    case 'push':
      return mapBranchPush(repo, body);
    case 'pull_request':
      return mapPullRequest(repo, body);
    default:
      return ignored(`gitea event "${event}" is not used`);
  }
}

function mapPullRequest(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const action = stringField(body, 'action');
  const pr = objectField(body, 'pull_request');
  const number = numberField(body, 'number') ?? numberField(pr, 'number');
  const head = objectField(pr, 'head');
  const headRef = textField(head, 'ref');
  if (!pr || number === null || !Number.isInteger(number) || !headRef) return ignored('pull request without number or head ref');
  const headBranch = headRef.startsWith(BRANCH_PREFIX) ? headRef.slice(BRANCH_PREFIX.length) : headRef;
  const headSha = textField(head, 'sha');
  if (action === 'opened' || action === 'reopened') return { type: 'pr-opened', repo, number, headBranch, headSha };
  if (action === 'closed') {
    if (pr['merged'] !== true) return ignored('pull request closed without merge');
    return { type: 'pr-merged', repo, number, headBranch, headSha, mergeSha: textField(pr, 'merge_commit_sha') };
  }
  return ignored(`pull request action "${String(action)}" is not used`);
}
