/**
 * Problems in the projects file said the way a person fixes them: what is expected, with an
 * example, instead of the validator's own text ("Invalid input: expected string, received
 * undefined").
 */
import type { z } from 'zod';

/** An example value per field name, shown with "required" and "wrong type" problems. */
const EXAMPLES: Readonly<Record<string, string>> = {
  projects: '[{ "id": "SHOP", ... }]',
  id: '"SHOP"',
  repo: '"acme/shop"',
  cloneUrl: '"https://gitea.example.com/acme/shop.git"',
  defaultBranch: '"main"',
  chatId: '-1001234567890',
  approvers: '[123456789]',
  agents: '{ "default": "claude -p" }',
  default: '"claude -p"',
  analyst: '"claude -p"',
  developer: '"claude -p"',
  reviewer: '"claude -p"',
  tester: '"claude -p"',
  ciCommand: '"npm test"',
  ciTimeoutS: '600',
  promptDir: '"prompts"',
  projectId: '"3f2a…" (the Plane project id)',
  image: '"conveyor-agent:latest"',
  user: '"1001:1001"',
  stages: '["analysis", "development", "review", "testing", "merge"]',
  git: '{ "mergeMethod": "squash" }',
  authorName: '"Conveyor Bot"',
  authorEmail: '"conveyor@acme.test"',
  signingKey: '"/run/secrets/conveyor_signing_key"',
  mergeMethod: '"squash"',
  startOn: '"created", { "state": "In Progress" } (Plane) or { "label": "agent:start" } (GitHub Issues)',
};

/** The message for the chat id: a @username is the most common mistake. */
export const CHAT_ID_MESSAGE =
  'must be the numeric chat id, e.g. -1001234567890 (a @username is not accepted: add the bot to the group and read the id from getUpdates)';

/** One zod issue as "what is expected (e.g. …)". */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  const example = EXAMPLES[field];
  const eg = example ? `, e.g. ${example}` : '';
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `is required${eg}`;
      return `must be ${article(issue.expected)}${eg} (got ${kindOf(issue.input)})`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see projects.example.json)`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.message.startsWith('Too small') ? `is too small or empty${eg}` : issue.message;
    case 'invalid_format':
      return issue.message.startsWith('Invalid string') ? `has the wrong format${eg}` : issue.message;
    case 'invalid_union':
      return `is not valid${eg}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
