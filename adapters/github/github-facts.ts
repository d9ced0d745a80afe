/**
 * GitHub webhook payloads (docs: webhook-events-and-payloads) → forge facts. `push`, `status`,
 * `check_run`, `check_suite` and `pull_request` matter; `ping`, other actions and malformed shapes
 * are ignored. Check runs and completed check suites become CI contexts like statuses do: a check
 * run by its name, a suite as `check_suite:<app>`. Never throws.
 */
import { ignored, type ForgeFact, type IgnoredFact, type TrackerFact } from '../../core/inbound/inbound-fact.ts';
import { asObject, numberField, objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';
import { mapBranchPush, mapCommitStatus } from '../forge-payloads/commit-payloads.ts';
import { mapGithubIssues } from './github-issue-facts.ts';
import { checkRunDescription, checkRunOrder, checkRunState } from './github-check-state.ts';

const STATUS_STATES: ReadonlySet<string> = new Set(['pending', 'success', 'error', 'failure']);

/** Map one GitHub delivery (the `X-GitHub-Event` value and the parsed body) to a fact. */
export function mapGithubDelivery(event: string, payload: unknown): ForgeFact | TrackerFact | IgnoredFact {
  const body = asObject(payload);
  if (!body) return ignored('payload is not a JSON object');
  if (event === 'ping') return ignored('ping');
  const repo = textField(objectField(body, 'repository'), 'full_name');
  if (!repo) return ignored('payload has no repository.full_name');
  switch (event) {
    case 'push':
      return mapBranchPush(repo, body);
    case 'status':
      return mapCommitStatus(repo, body, STATUS_STATES);
    case 'check_run':
      return mapCheckRun(repo, body);
    case 'check_suite':
      return mapCheckSuite(repo, body);
    case 'pull_request':
      return mapPullRequest(repo, body);
    case 'issues':
      return mapGithubIssues(repo, body);
    default:
      return ignored(`github event "${event}" is not used`);
  }
}

function mapCheckRun(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const action = stringField(body, 'action');
  if (action !== 'created' && action !== 'completed' && action !== 'rerequested') return ignored(`check_run action "${String(action)}" is not used`);
  const run = objectField(body, 'check_run');
  const sha = textField(run, 'head_sha');
  const name = textField(run, 'name');
  const id = numberField(run, 'id');
  if (!sha || !name || id === null) return ignored('check run without head_sha, name or id');
  const status = textField(run, 'status');
  const conclusion = textField(run, 'conclusion');
  const state = checkRunState(status, conclusion);
  if (!state) return ignored(`check run state "${String(status)}/${String(conclusion)}" is unknown`);
  const output = objectField(run, 'output');
  return { type: 'status', repo, sha, context: name, state, description: checkRunDescription(textField(output, 'title'), textField(output, 'summary'), conclusion), targetUrl: textField(run, 'details_url') ?? textField(run, 'html_url'), statusId: checkRunOrder(id, status) };
}

function mapCheckSuite(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  if (stringField(body, 'action') !== 'completed') return ignored('check suite not completed');
  const suite = objectField(body, 'check_suite');
  const sha = textField(suite, 'head_sha');
  const id = numberField(suite, 'id');
  const conclusion = textField(suite, 'conclusion');
  const state = checkRunState('completed', conclusion);
  if (!sha || id === null || !state) return ignored('check suite without head_sha, id or a known conclusion');
  const app = textField(objectField(suite, 'app'), 'slug') ?? 'app';
  return { type: 'status', repo, sha, context: `check_suite:${app}`, state, description: `check suite ${conclusion ?? ''}`.trim(), targetUrl: null, statusId: checkRunOrder(id, 'completed') };
}

function mapPullRequest(repo: string, body: JsonObject): ForgeFact | IgnoredFact {
  const action = stringField(body, 'action');
  const pr = objectField(body, 'pull_request');
  const number = numberField(body, 'number') ?? numberField(pr, 'number');
  const head = objectField(pr, 'head');
  const headBranch = textField(head, 'ref');
  if (!pr || number === null || !Number.isInteger(number) || !headBranch) return ignored('pull request without number or head ref');
  const headSha = textField(head, 'sha');
  if (action === 'opened' || action === 'reopened') return { type: 'pr-opened', repo, number, headBranch, headSha };
  if (action !== 'closed') return ignored(`pull request action "${String(action)}" is not used`);
  if (pr['merged'] === true) return { type: 'pr-merged', repo, number, headBranch, headSha, mergeSha: textField(pr, 'merge_commit_sha') };
  return { type: 'pr-closed', repo, number, headBranch };
}
