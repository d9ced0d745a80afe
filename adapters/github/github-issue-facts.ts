/**
 * GitHub `issues` webhooks (docs: webhook-events-and-payloads#issues) → tracker facts (ADR 0042).
 * `opened`, `reopened` and `labeled` say the issue may be a task (core checks the project's label
 * and its start rule, ADR 0043);
 * `labeled` with `approved` or `rejected` decides a pending approval instead. Other actions
 * (`unlabeled`, `closed`, `edited`…) and Conveyor's own label `in-progress` are ignored.
 */
import { ignored, type IgnoredFact, type TrackerFact } from '../../core/inbound/inbound-fact.ts';
import { objectField, stringField, textField, type JsonObject } from '../../core/inbound/payload-fields.ts';
import { IN_PROGRESS_LABEL } from './github-issues-client.ts';
import { readIssue } from './github-issue-wire.ts';

const DECISIONS: ReadonlySet<string> = new Set(['approved', 'rejected']);

/** Map one `issues` delivery of `repo`. Never throws. */
export function mapGithubIssues(repo: string, body: JsonObject): TrackerFact | IgnoredFact {
  const action = stringField(body, 'action');
  const issue = readIssue(objectField(body, 'issue'));
  if (!issue) return ignored('issues event without an issue number');
  if (issue.isPull) return ignored(`#${issue.number} is a pull request`);
  const label = textField(objectField(body, 'label'), 'name')?.toLowerCase() ?? null;
  if (action === 'labeled' && label !== null && DECISIONS.has(label)) {
    return { type: 'tracker-decision', tracker: 'github', scope: repo, issueId: String(issue.number), decision: label as 'approved' | 'rejected' };
  }
  if (action === 'labeled' && label === IN_PROGRESS_LABEL) return ignored(`label "${IN_PROGRESS_LABEL}" is Conveyor's own`);
  if (action !== 'opened' && action !== 'reopened' && action !== 'labeled') return ignored(`issues action "${String(action)}" is not used`);
  if (issue.state !== 'open') return ignored(`issue #${issue.number} is closed`);
  const fields = { tracker: 'github', scope: repo, issueId: String(issue.number), number: issue.number, title: issue.title, description: issue.body, labels: issue.labels, state: null, createdBy: issue.user, url: issue.htmlUrl } as const;
  // The label events carry the issue as it is now, so the label a start rule waits for is in `labels`.
  return action === 'labeled' ? { type: 'tracker-labels-changed', ...fields, actor: null } : { type: 'tracker-issue', ...fields, actor: null };
}
