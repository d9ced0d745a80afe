/**
 * Gitea webhook payloads (modules/structs/hook.go) → forge facts; registered with the inbox
 * processor as the `gitea` source's mapper, so core never sees Gitea's wire format. Only push, status and pull request
 * open/merge matter to Conveyor; everything else, and every malformed shape, is ignored.
 */
import { ignored, type CommitStatusState, type ForgeFact, type IgnoredFact } from '../../core/inbound/inbound-fact.ts';
import { asObject, numberField, objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';

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
      return mapStatus(repo, body);
    case 'push':
      return mapPush(repo, body);
    case 'pull_request':
      return mapPullRequest(repo, body);
    default:
      return ignored(`gitea event "${event}" is not used`);
  }
}

function mapStatus(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const sha = textField(body, 'sha');
  const context = textField(body, 'context');
  const state = stringField(body, 'state');
  if (!sha || !context) return ignored('status without sha or context');
  if (!state || !STATUS_STATES.has(state)) return ignored(`status state "${String(state)}" is unknown`);
  return {
    type: 'status',
    repo,
    sha,
    context,
    state: state as CommitStatusState,
    description: stringField(body, 'description') ?? '',
    targetUrl: textField(body, 'target_url'),
    statusId: numberField(body, 'id'),
  };
}

function mapPush(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const ref = textField(body, 'ref');
  const after = textField(body, 'after');
  const before = textField(body, 'before');
  if (!ref || !after || !before) return ignored('push without ref, before or after');
  if (!ref.startsWith(BRANCH_PREFIX) || ref.length === BRANCH_PREFIX.length) return ignored(`push to "${ref}" is not a branch`);
  return {
    type: 'push',
    repo,
    branch: ref.slice(BRANCH_PREFIX.length),
    ref,
    after,
    before,
    defaultBranch: textField(objectField(body, 'repository'), 'default_branch'),
    deleted: /^0+$/.test(after),
  };
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
