/** GitHub's issue JSON, read defensively (REST "Issues"; webhook `issues` payloads carry the same object). */
import { arrayField, asObject, numberField, objectField, stringField, textField } from '../../core/inbound/payload-fields.ts';

/** The fields of an issue Conveyor reads. */
export interface GithubIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly labels: readonly string[];
  /** The author's login. */
  readonly user: string | null;
  readonly htmlUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** GitHub lists pull requests among issues (they carry `pull_request`). */
  readonly isPull: boolean;
}

const time = (value: string | null): number => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : 0;
};

/** One issue, or null when it has no number. */
export function readIssue(value: unknown): GithubIssue | null {
  const o = asObject(value);
  const number = numberField(o, 'number');
  if (!o || number === null || !Number.isInteger(number) || number < 1) return null;
  return {
    number,
    title: stringField(o, 'title') ?? '',
    body: stringField(o, 'body') ?? '',
    state: stringField(o, 'state') === 'closed' ? 'closed' : 'open',
    // Labels come as objects (`name`) from the API and payloads; strings are accepted too.
    labels: arrayField(o, 'labels').map((l) => (typeof l === 'string' ? l : textField(asObject(l), 'name'))).filter((l): l is string => typeof l === 'string' && l.length > 0),
    user: textField(objectField(o, 'user'), 'login'),
    htmlUrl: textField(o, 'html_url'),
    createdAt: time(textField(o, 'created_at')),
    updatedAt: time(textField(o, 'updated_at')),
    isPull: objectField(o, 'pull_request') !== null,
  };
}

/** A list of issues, or null when an entry is not an issue. */
export function readIssueList(value: unknown): GithubIssue[] | null {
  if (!Array.isArray(value)) return null;
  const issues = value.map(readIssue);
  return issues.every((i) => i !== null) ? (issues) : null;
}
